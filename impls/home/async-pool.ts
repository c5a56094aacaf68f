// The async engine: an in-thread pool for I/O-bound tasks. Tasks in flight are capped by `concurrency`;
// the rest wait in a priority queue. Hot path notes:
// - a running task occupies a Slot whose two promise handlers are bound once and reused, so starting a task
//   allocates no closure;
// - a task without options is never wrapped in an object: it waits in the queue as three flat slots
//   (fn, arg, callback) and runs straight from a Slot. Only tasks with options get a Job;
// - `run(fn, arg, callback)` hands `arg` back to the callback, so one callback serves every task;
// - a context (AbortSignal + attempt) is built only for task functions that declare a second parameter.
import { AbortError, PoolClosedError, PoolDestroyedError, QueueFullError, TimeoutError, optionErrors } from './errors.js';
import { Counters, Latency, type PoolMetrics } from './metrics.js';
import { checkInteger, checkIntegerOrInfinity, checkNonNegative, checkOptionalFunction } from './options.js';
import { normalizeRetry, retryDelay, shouldRetry, type RetryOptions, type RetryPolicy } from './retry.js';
import { TaskQueue, type QueuedJob, type Triple } from './task-queue.js';

export interface TaskContext {
  /** Aborted when the task times out, is cancelled through its own signal, or the pool is destroyed. */
  readonly signal: AbortSignal;
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number;
}

export type TaskFn<A, R> = (arg: A, context: TaskContext) => R | PromiseLike<R>;
/** Called once per task. `arg` is the task's argument, so one callback can serve many tasks. */
export type TaskCallback<A, R> = (error: unknown, result: R | undefined, arg: A) => void;

export interface TaskOptions {
  /** Higher runs first; FIFO within one priority. Default 0. */
  priority?: number;
  /** Rejects the task with TimeoutError after this many ms (and aborts its signal). Default: the pool's timeoutMs. */
  timeoutMs?: number;
  /** Aborting it removes a queued task, or aborts a running task's signal; either way the task rejects with AbortError. */
  signal?: AbortSignal;
  /** Retry policy for this task; default: the pool's retry. */
  retry?: RetryOptions | number;
}

export interface AsyncPoolOptions<A = unknown, R = unknown> {
  /** Tasks in flight at most. Default 10. Change later with setConcurrency(). */
  concurrency?: number;
  /** Queued tasks at most (running ones not counted). Default Infinity. */
  maxQueue?: number;
  /** When the queue is full: 'reject' fails the submission with QueueFullError; 'wait' holds it until there is room. */
  whenFull?: 'reject' | 'wait';
  /** Default per-task timeout in ms. Default: none. */
  timeoutMs?: number;
  /** Default retry policy. Default: none. */
  retry?: RetryOptions | number;
  /** With aging, a task's effective priority grows by 1 per agingMs waited, so low priority never starves. Default 0 (off). */
  agingMs?: number;
  /** Record wait-time and run-time histograms (two performance.now() calls per task). Default false. */
  trackLatency?: boolean;
  /** Called with every successful result. */
  onResult?: (result: R, arg: A) => void;
  /** Called with every final error (after retries). */
  onError?: (error: unknown, arg: A) => void;
}

const QUEUED = 0;
const RUNNING = 1;
const RETRY_WAIT = 2;
const HELD = 3;
/** Refused at submission (closed pool, already-aborted signal, full queue); settles on a microtask. */
const REFUSED = 4;
const DONE = 5;

type AnyFn = TaskFn<any, any>;
type AnyCallback = TaskCallback<any, any>;

/** A task that carries options: timeout, signal, retry, priority, or per-task timing. */
class Job implements QueuedJob {
  cancelled = false;
  state = QUEUED;
  attempt = 1;
  slot: Slot | null = null;
  timer: NodeJS.Timeout | null = null;
  onAbort: (() => void) | null = null;
  queuedAt = 0;
  submittedAt = 0;
  constructor(
    readonly fn: AnyFn,
    readonly arg: unknown,
    readonly callback: AnyCallback,
    readonly priority: number,
    readonly timeoutMs: number,
    readonly retry: RetryPolicy | null,
    readonly signal: AbortSignal | null,
  ) {}
}

function isJob(value: unknown): value is Job {
  return value instanceof Job;
}

/** One running task. Reused across tasks; its two handlers are bound once. */
class Slot {
  active = false;
  fn: AnyFn | null = null;
  arg: unknown = undefined;
  callback: AnyCallback | null = null;
  job: Job | null = null;
  controller: AbortController | null = null;
  startedAt = 0;
  busyIndex = -1;
  readonly onOk: (value: unknown) => void;
  readonly onErr: (error: unknown) => void;
  constructor(pool: AsyncPool<any, any>) {
    this.onOk = (value) => pool._finish(this, undefined, value, true);
    this.onErr = (error) => pool._finish(this, error, undefined, false);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** A throwing user callback is the caller's bug: surface it, but never corrupt the pool's bookkeeping. */
function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

export class AsyncPool<A = unknown, R = unknown> {
  private limit: number;
  private readonly maxQueue: number;
  private readonly whenFull: 'reject' | 'wait';
  private readonly defaultTimeoutMs: number;
  private readonly defaultRetry: RetryPolicy | null;
  private readonly trackLatency: boolean;
  private readonly aging: boolean;
  /** Every task needs a Job when a pool-wide option applies to it. */
  private readonly jobsOnly: boolean;
  private readonly onResult: ((result: R, arg: A) => void) | undefined;
  private readonly onError: ((error: unknown, arg: A) => void) | undefined;

  private readonly queue: TaskQueue<Job>;
  private readonly out: Triple = { a: undefined, b: undefined, c: undefined };
  private held: Job[] = [];
  private heldHead = 0;
  /** Held jobs not cancelled. */
  private heldLive = 0;
  private readonly freeSlots: Slot[] = [];
  private readonly busySlots: Slot[] = [];
  private readonly retrying = new Set<Job>();
  private running = 0;
  private pumping = false;
  private closing = false;
  private destroyed = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly roomWaiters: (() => void)[] = [];
  private readonly counters = new Counters();
  private readonly waitLatency: Latency | null;
  private readonly runLatency: Latency | null;
  /** Bound once: a timer per task with a timeout, but no closure per task. */
  private readonly timeoutHandler = (job: Job): void => this.expire(job);

  constructor(options: AsyncPoolOptions<A, R> = {}) {
    this.limit = checkInteger('concurrency', options.concurrency ?? 10, 1);
    this.maxQueue = checkIntegerOrInfinity('maxQueue', options.maxQueue ?? Infinity, 0);
    const whenFull = options.whenFull ?? 'reject';
    if (whenFull !== 'reject' && whenFull !== 'wait') throw optionErrors.oneOf('whenFull', whenFull, '"reject" or "wait"');
    this.whenFull = whenFull;
    this.defaultTimeoutMs = options.timeoutMs === undefined ? 0 : checkNonNegative('timeoutMs', options.timeoutMs);
    this.defaultRetry = normalizeRetry('retry', options.retry);
    const agingMs = options.agingMs === undefined ? 0 : checkNonNegative('agingMs', options.agingMs);
    this.aging = agingMs > 0;
    this.queue = new TaskQueue<Job>(isJob, agingMs);
    this.trackLatency = options.trackLatency ?? false;
    this.waitLatency = this.trackLatency ? new Latency() : null;
    this.runLatency = this.trackLatency ? new Latency() : null;
    this.jobsOnly = this.defaultTimeoutMs > 0 || this.defaultRetry !== null || this.aging || this.trackLatency;
    this.onResult = checkOptionalFunction('onResult', options.onResult);
    this.onError = checkOptionalFunction('onError', options.onError);
  }

  get concurrency(): number {
    return this.limit;
  }

  /** Tasks running now. */
  get runningCount(): number {
    return this.running;
  }

  /** Tasks waiting to start (queued, held for room, or waiting to retry). */
  get pendingCount(): number {
    return this.queue.size + this.heldLive + this.retrying.size;
  }

  /** Changes how many tasks may run at once; takes effect immediately (running tasks are never interrupted). */
  setConcurrency(concurrency: number): void {
    this.limit = checkInteger('concurrency', concurrency, 1);
    this.pump();
  }

  /** Submits a task and returns a promise of its result. */
  submit<T extends R = R>(fn: TaskFn<A, T>, arg?: A, options?: TaskOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.run(fn, arg as A, (error, result) => (error === undefined ? resolve(result as T) : reject(error)), options);
    });
  }

  /**
   * Callback form of submit(): no promise per task. `callback(error, result, arg)` is called exactly once;
   * error is undefined on success.
   */
  run<T extends R = R>(fn: TaskFn<A, T>, arg: A, callback: TaskCallback<A, T>, options?: TaskOptions): void {
    if (typeof fn !== 'function') throw new TypeError(`task must be a function; got ${typeof fn}`);
    if (typeof callback !== 'function') throw new TypeError(`callback must be a function; got ${typeof callback}`);
    this.counters.submitted++;
    if (options === undefined && !this.jobsOnly && !this.closing) {
      if (this.running < this.limit && this.queue.size === 0) return this.startPlain(fn, arg, callback);
      if (this.queue.size < this.maxQueue) return this.queue.push(fn, arg, callback);
    }
    this.submitJob(
      new Job(
        fn,
        arg,
        callback,
        options?.priority ?? 0,
        options?.timeoutMs ?? this.defaultTimeoutMs,
        options?.retry === undefined ? this.defaultRetry : normalizeRetry('retry', options.retry),
        options?.signal ?? null,
      ),
    );
  }

  /** Resolves once the queue has room for another task (immediately when it has). */
  waitForRoom(): Promise<void> {
    if (this.queue.size < this.maxQueue) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Resolves when nothing is running, queued, held or waiting to retry. */
  onIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Runs fn over every item with at most `concurrency` in flight (and within the pool's own limit),
   * yielding results in input order. The first failure is thrown at its position.
   */
  async *map<I extends A, T extends R>(items: Iterable<I>, fn: TaskFn<I, T>, options: { concurrency?: number } = {}): AsyncGenerator<T> {
    const window = checkInteger('map concurrency', options.concurrency ?? this.limit, 1);
    const inFlight: Promise<T>[] = [];
    let head = 0;
    for (const item of items) {
      const promise = this.submit(fn as TaskFn<A, T>, item);
      promise.catch(() => {}); // observed when yielded; never an unhandled rejection meanwhile
      inFlight.push(promise);
      if (inFlight.length - head >= window) yield await inFlight[head++]!;
    }
    while (head < inFlight.length) yield await inFlight[head++]!;
  }

  /** Stops accepting tasks, lets queued and running ones finish, then resolves. */
  close(): Promise<void> {
    this.closing = true;
    this.pump();
    return this.onIdle();
  }

  /** Stops accepting tasks, rejects queued ones with PoolDestroyedError, aborts running ones, and resolves. */
  async destroy(): Promise<void> {
    this.closing = true;
    this.destroyed = true;
    const error = new PoolDestroyedError();
    this.queue.drain((a, b, c) => (isJob(a) ? this.settleJob(a, error) : this.settle(b, c as AnyCallback, error)));
    for (const job of this.held.splice(this.heldHead)) if (!job.cancelled) this.settleJob(job, error);
    this.heldHead = this.heldLive = 0;
    for (const job of this.retrying) this.settleJob(job, error);
    this.retrying.clear();
    while (this.busySlots.length > 0) {
      const slot = this.busySlots[this.busySlots.length - 1]!;
      const { job, arg, callback, controller } = slot;
      this.release(slot, false);
      controller?.abort(error);
      if (job) this.settleJob(job, error);
      else this.settle(arg, callback!, error);
    }
    this.notifyIdle();
  }

  metrics(): PoolMetrics {
    const c = this.counters;
    return {
      submitted: c.submitted,
      completed: c.completed,
      failed: c.failed,
      retried: c.retried,
      timedOut: c.timedOut,
      aborted: c.aborted,
      running: this.running,
      queued: this.pendingCount,
      ...(this.waitLatency ? { waitTime: this.waitLatency.summary() } : {}),
      ...(this.runLatency ? { runTime: this.runLatency.summary() } : {}),
    };
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────────────

  private submitJob(job: Job): void {
    if (this.closing) return this.refuse(job, this.destroyed ? new PoolDestroyedError() : new PoolClosedError());
    if (job.signal) {
      if (job.signal.aborted) {
        this.counters.aborted++;
        return this.refuse(job, new AbortError(job.signal.reason));
      }
      const signal = job.signal;
      job.onAbort = () => this.abortJob(job, new AbortError(signal.reason));
      signal.addEventListener('abort', job.onAbort, { once: true });
    }
    if (this.trackLatency) job.submittedAt = performance.now();
    if (this.running < this.limit && this.queue.size === 0) return this.startJob(job);
    if (this.queue.size >= this.maxQueue) {
      if (this.whenFull === 'reject') return this.refuse(job, new QueueFullError(this.maxQueue));
      job.state = HELD;
      this.held.push(job);
      this.heldLive++;
      return;
    }
    this.enqueue(job);
  }

  private enqueue(job: Job): void {
    job.state = QUEUED;
    if (this.aging) job.queuedAt = performance.now();
    this.queue.pushJob(job);
  }

  private acquireSlot(): Slot {
    const slot = this.freeSlots.pop() ?? new Slot(this);
    slot.active = true;
    slot.busyIndex = this.busySlots.push(slot) - 1;
    this.running++;
    return slot;
  }

  private startPlain(fn: AnyFn, arg: unknown, callback: AnyCallback): void {
    const slot = this.acquireSlot();
    slot.fn = fn;
    slot.arg = arg;
    slot.callback = callback;
    this.invoke(slot, fn, arg, 1);
  }

  private startJob(job: Job): void {
    const slot = this.acquireSlot();
    slot.fn = job.fn;
    slot.arg = job.arg;
    slot.callback = job.callback;
    slot.job = job;
    job.slot = slot;
    job.state = RUNNING;
    if (this.trackLatency) {
      slot.startedAt = performance.now();
      this.waitLatency!.record(slot.startedAt - job.submittedAt);
    }
    if (job.timeoutMs > 0) job.timer = setTimeout(this.timeoutHandler, job.timeoutMs, job);
    this.invoke(slot, job.fn, job.arg, job.attempt);
  }

  private invoke(slot: Slot, fn: AnyFn, arg: unknown, attempt: number): void {
    let value: unknown;
    try {
      if (fn.length >= 2) {
        slot.controller = new AbortController();
        value = fn(arg, { signal: slot.controller.signal, attempt });
      } else {
        value = (fn as (arg: unknown) => unknown)(arg);
      }
    } catch (error) {
      this._finish(slot, error, undefined, false);
      return;
    }
    if (isThenable(value)) value.then(slot.onOk, slot.onErr);
    else this._finish(slot, undefined, value, true);
  }

  /** Frees a running slot. It is reused only if its task's promise has settled (`reuse`); otherwise it is dropped. */
  private release(slot: Slot, reuse: boolean): void {
    const last = this.busySlots.pop()!;
    if (last !== slot) {
      this.busySlots[slot.busyIndex] = last;
      last.busyIndex = slot.busyIndex;
    }
    const job = slot.job;
    if (job) {
      job.slot = null;
      if (job.timer) {
        clearTimeout(job.timer);
        job.timer = null;
      }
      if (this.trackLatency) this.runLatency!.record(performance.now() - slot.startedAt);
    }
    slot.active = false;
    slot.fn = slot.callback = slot.job = slot.controller = null;
    slot.arg = undefined;
    slot.busyIndex = -1;
    if (reuse) this.freeSlots.push(slot);
    this.running--;
  }

  /** @internal Called by a Slot's bound handlers when the task's promise settles. */
  _finish(slot: Slot, error: unknown, value: unknown, ok: boolean): void {
    if (!slot.active) return; // timed out, aborted or destroyed earlier: this outcome is stale
    const { job, arg, callback } = slot;
    this.release(slot, true);
    const failure = ok ? undefined : error === undefined ? new Error('task rejected with undefined') : error;
    if (job) {
      if (ok) this.settleJob(job, undefined, value);
      else this.fail(job, failure, false);
    } else {
      this.settle(arg, callback!, failure, value);
    }
    this.pump();
  }

  private expire(job: Job): void {
    const slot = job.slot;
    if (job.state !== RUNNING || !slot) return;
    job.timer = null;
    const error = new TimeoutError(job.timeoutMs);
    this.counters.timedOut++;
    const controller = slot.controller;
    // The task's promise may still settle later: its slot is dropped, not reused, so that outcome is ignored.
    this.release(slot, false);
    controller?.abort(error);
    this.fail(job, error, true);
    this.pump();
  }

  private abortJob(job: Job, error: AbortError): void {
    switch (job.state) {
      case QUEUED:
        this.queue.cancel(job);
        break;
      case HELD:
        job.cancelled = true;
        this.heldLive--;
        break;
      case RETRY_WAIT:
        this.retrying.delete(job);
        break;
      case RUNNING: {
        const controller = job.slot!.controller;
        this.release(job.slot!, false);
        controller?.abort(error);
        break;
      }
      default:
        return;
    }
    this.counters.aborted++;
    this.settleJob(job, error);
    this.pump();
  }

  private fail(job: Job, error: unknown, timedOut: boolean): void {
    const policy = job.retry;
    if (policy && !this.destroyed && shouldRetry(policy, error, job.attempt, timedOut)) {
      this.counters.retried++;
      job.attempt++;
      job.state = RETRY_WAIT;
      this.retrying.add(job);
      job.timer = setTimeout(() => {
        job.timer = null;
        this.retrying.delete(job);
        if (this.running < this.limit && this.queue.size === 0) this.startJob(job);
        else this.enqueue(job);
        this.pump();
      }, retryDelay(policy, job.attempt - 1, error));
      return;
    }
    this.settleJob(job, error);
  }

  private settleJob(job: Job, error: unknown, value?: unknown): void {
    if (job.state === DONE) return;
    job.state = DONE;
    if (job.timer) {
      clearTimeout(job.timer);
      job.timer = null;
    }
    if (job.onAbort) {
      job.signal!.removeEventListener('abort', job.onAbort);
      job.onAbort = null;
    }
    this.settle(job.arg, job.callback, error, value);
  }

  /** The one place a task's outcome is counted and delivered. */
  private settle(arg: unknown, callback: AnyCallback, error: unknown, value?: unknown): void {
    if (error === undefined) {
      this.counters.completed++;
      if (this.onResult) {
        try {
          this.onResult(value as R, arg as A);
        } catch (thrown) {
          rethrowLater(thrown);
        }
      }
    } else {
      this.counters.failed++;
      if (this.onError) {
        try {
          this.onError(error, arg as A);
        } catch (thrown) {
          rethrowLater(thrown);
        }
      }
    }
    try {
      callback(error, value, arg);
    } catch (thrown) {
      rethrowLater(thrown);
    }
  }

  /** Rejects a task that never entered the pool, asynchronously, as a promise rejection would. */
  private refuse(job: Job, error: Error): void {
    job.state = REFUSED;
    queueMicrotask(() => this.settleJob(job, error));
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const now = this.aging ? performance.now() : 0;
    const out = this.out;
    // Starting a task can free room for held submissions, and moving those can give idle slots work: loop until stable.
    do {
      while (this.running < this.limit && this.queue.shift(out, now)) {
        const { a, b, c } = out;
        out.a = out.b = out.c = undefined;
        if (isJob(a)) this.startJob(a);
        else this.startPlain(a as AnyFn, b, c as AnyCallback);
      }
    } while (this.heldHead < this.held.length && this.moveHeld() && this.running < this.limit);
    while (this.roomWaiters.length > 0 && this.queue.size < this.maxQueue) this.roomWaiters.shift()!();
    this.pumping = false;
    if (this.idleWaiters.length > 0 && this.isIdle()) this.notifyIdle();
  }

  /** Moves held submissions into the queue while there is room (all of them once closing). True if any moved. */
  private moveHeld(): boolean {
    let moved = false;
    while (this.heldHead < this.held.length && (this.queue.size < this.maxQueue || this.closing)) {
      const job = this.held[this.heldHead++]!;
      if (!job.cancelled) {
        this.heldLive--;
        this.enqueue(job);
        moved = true;
      }
    }
    if (this.heldHead === this.held.length) {
      this.held = [];
      this.heldHead = 0;
    }
    return moved;
  }

  private isIdle(): boolean {
    return this.running === 0 && this.pendingCount === 0;
  }

  private notifyIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
