// The pool's pending tasks: one FIFO per priority, higher priority first, FIFO within a priority.
//
// Memory decides the upfront benchmark, so an entry is stored flat, as three slots of a ring chunk
// (fn, arg, callback): 24 bytes, no object per task. A task with options (timeout, signal, retry, aging,
// latency tracking) is stored as one object in the first slot instead; only those can be cancelled.
// Cancelled entries are skipped lazily when they reach the head, so cancelling is O(1).
// Optional aging: a head entry competes with priority + waited / agingMs, so low priority never starves.
// Priorities are any numbers but NaN (the pools refuse NaN at submit): ±Infinity simply sort first or last.

const CHUNK_ENTRIES = 1024;
const WIDTH = 3;

/** A queued task that carries options. */
export interface QueuedJob {
  priority: number;
  /** performance.now() when queued (maintained by the pool when aging is on). */
  queuedAt: number;
  cancelled: boolean;
}

class Chunk {
  readonly slots: unknown[] = new Array(CHUNK_ENTRIES * WIDTH);
  head = 0;
  tail = 0;
  next: Chunk | null = null;
}

/** FIFO of flat (a, b, c) triples in linked ring chunks: O(1) push and shift, no Array#shift(). */
export class TripleFifo {
  private first = new Chunk();
  private last = this.first;
  private spare: Chunk | null = null;
  length = 0;

  push(a: unknown, b: unknown, c: unknown): void {
    let chunk = this.last;
    if (chunk.tail === CHUNK_ENTRIES * WIDTH) {
      const fresh = this.spare ?? new Chunk();
      this.spare = null;
      chunk.next = fresh;
      this.last = chunk = fresh;
    }
    const s = chunk.slots;
    s[chunk.tail] = a;
    s[chunk.tail + 1] = b;
    s[chunk.tail + 2] = c;
    chunk.tail += WIDTH;
    this.length++;
  }

  /** First slot of the head entry, or undefined when empty. */
  peek(): unknown {
    const chunk = this.first;
    return chunk.head === chunk.tail ? undefined : chunk.slots[chunk.head];
  }

  /** Removes the head entry into `out` (a, b, c). False when empty. */
  shift(out: Triple): boolean {
    const chunk = this.first;
    if (chunk.head === chunk.tail) return false;
    const s = chunk.slots;
    const h = chunk.head;
    out.a = s[h];
    out.b = s[h + 1];
    out.c = s[h + 2];
    s[h] = s[h + 1] = s[h + 2] = undefined;
    chunk.head = h + WIDTH;
    this.length--;
    if (chunk.head === chunk.tail) {
      chunk.head = chunk.tail = 0;
      if (chunk.next) {
        this.first = chunk.next;
        chunk.next = null;
        // Keep one emptied chunk, so a queue breathing around a chunk boundary does not allocate.
        this.spare = chunk;
      }
    }
    return true;
  }
}

export interface Triple {
  a: unknown;
  b: unknown;
  c: unknown;
}

export class TaskQueue<J extends QueuedJob> {
  private readonly buckets = new Map<number, TripleFifo>();
  /** Priorities with a bucket, highest first. */
  private priorities: number[] = [];
  private readonly scratch: Triple = { a: undefined, b: undefined, c: undefined };
  /** The default-priority bucket, kept even when empty: most tasks go here, so it skips the Map lookup. */
  private readonly zero: TripleFifo;
  /** Live (not cancelled) entries. */
  size = 0;

  constructor(
    private readonly isJob: (value: unknown) => value is J,
    private readonly agingMs = 0,
  ) {
    this.zero = this.bucket(0);
  }

  private bucket(priority: number): TripleFifo {
    let bucket = this.buckets.get(priority);
    if (!bucket) {
      bucket = new TripleFifo();
      this.buckets.set(priority, bucket);
      const at = this.priorities.findIndex((p) => p < priority);
      if (at === -1) this.priorities.push(priority);
      else this.priorities.splice(at, 0, priority);
    }
    return bucket;
  }

  /** A task without options, at priority 0. */
  push(fn: unknown, arg: unknown, callback: unknown): void {
    this.zero.push(fn, arg, callback);
    this.size++;
  }

  pushJob(job: J): void {
    this.bucket(job.priority).push(job, undefined, undefined);
    this.size++;
  }

  /** Marks a queued job cancelled; it is dropped when it reaches the head. */
  cancel(job: J): void {
    if (job.cancelled) return;
    job.cancelled = true;
    this.size--;
  }

  /**
   * Removes the next entry into `out`: a job as out.a (b, c undefined), or a plain task as (fn, arg, callback).
   * `now` is only read when aging is on. False when empty.
   */
  shift(out: Triple, now = 0): boolean {
    if (this.size === 0) return false;
    const priority = this.agingMs > 0 ? this.agedPriority(now) : this.topPriority();
    if (priority === undefined) return false;
    const bucket = priority === 0 ? this.zero : this.buckets.get(priority)!;
    bucket.shift(out);
    this.size--;
    // Drop emptied buckets of non-default priorities, so priorities seen once do not slow every later shift.
    if (priority !== 0 && bucket.length === 0) {
      this.buckets.delete(priority);
      this.priorities.splice(this.priorities.indexOf(priority), 1);
    }
    return true;
  }

  private liveHead(bucket: TripleFifo): unknown {
    let head = bucket.peek();
    while (bucket.length > 0 && this.isJob(head) && head.cancelled) {
      bucket.shift(this.scratch);
      head = bucket.peek();
    }
    return bucket.length > 0 ? head : undefined;
  }

  private topPriority(): number | undefined {
    // Common case: one priority in use, and no cancellable job at its head.
    if (this.priorities.length === 1) return this.liveHead(this.zero) === undefined ? undefined : 0;
    for (const priority of this.priorities) {
      if (this.liveHead(this.buckets.get(priority)!) !== undefined) return priority;
    }
    return undefined;
  }

  private agedPriority(now: number): number | undefined {
    let best: number | undefined;
    let bestScore = -Infinity;
    for (const priority of this.priorities) {
      const head = this.liveHead(this.buckets.get(priority)!);
      if (head === undefined) continue;
      const waited = this.isJob(head) ? now - head.queuedAt : 0;
      const score = priority + waited / this.agingMs;
      // `best === undefined`: a head at priority -Infinity scores -Infinity, and must still be taken.
      if (best === undefined || score > bestScore) {
        bestScore = score;
        best = priority;
      }
    }
    return best;
  }

  /** Removes every live entry, in priority then FIFO order, calling `each` with (a, b, c). */
  drain(each: (a: unknown, b: unknown, c: unknown) => void): void {
    const out = this.scratch;
    for (const priority of this.priorities) {
      const bucket = this.buckets.get(priority)!;
      while (bucket.shift(out)) {
        if (this.isJob(out.a) && out.a.cancelled) continue;
        each(out.a, out.b, out.c);
      }
    }
    this.size = 0;
  }
}
