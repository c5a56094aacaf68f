// The async engine: an in-thread pool for I/O-bound tasks. Tasks in flight are capped by `concurrency`;
// the rest wait in a priority queue. Hot path notes:
// - a running task occupies a Slot whose two promise handlers are bound once and reused, so starting a task
//   allocates no closure;
// - a task without options is never wrapped in an object: it waits in the queue as three flat slots
//   (fn, arg, callback) and runs straight from a Slot. Only tasks with options get a Job;
// - `run(fn, arg, callback)` hands `arg` back to the callback, so one callback serves every task;
// - a context (AbortSignal + attempt) is built only for task functions that declare a second parameter;
// - the submitter's AsyncLocalStorage context is kept only once AsyncLocalStorage is in use (context.ts): a waiting
//   task is then queued as its SubmitContext, which carries its function.
import { SubmitContext, captureContext, contextInUse, refreshContext, scopeOf } from './context.js';
import { AbortError, TimeoutError } from './errors.js';
import type { PoolMetrics } from './metrics.js';
import { checkInteger, checkKnownOptions, optionNames } from './options.js';
import { TaskGroup, type GroupOptions } from './group.js';
import {
  CORE_POOL_OPTIONS,
  CORE_TASK_OPTIONS,
  CoreJob,
  PoolCore,
  RUNNING,
  hasTimeout,
  orderedMap,
  type AnyCallback,
  type CoreOptions,
  type CoreTaskOptions,
  type JobSettings,
} from './pool-core.js';
import type { Triple } from './task-queue.js';

export interface TaskContext {
  /** Aborted when the task times out, is cancelled through its own signal, or the pool is destroyed. */
  readonly signal: AbortSignal;
  /** 1 for the first try, 2 for the first retry, … */
  readonly attempt: number;
}

export type TaskFn<A, R> = (arg: A, context: TaskContext) => R | PromiseLike<R>;
/** Called once per task. `arg` is the task's argument, so one callback can serve many tasks. */
export type TaskCallback<A, R> = (error: unknown, result: R | undefined, arg: A) => void;

export type TaskOptions = CoreTaskOptions;

export interface AsyncPoolOptions<A = unknown, R = unknown> extends CoreOptions<A, R> {
  /** Tasks in flight at most. Default 10. Change later with setConcurrency(). */
  concurrency?: number;
}

type AnyFn = TaskFn<any, any>;

const POOL_OPTIONS = optionNames('AsyncPool', [...CORE_POOL_OPTIONS, 'concurrency']);
const TASK_OPTIONS = optionNames('task', CORE_TASK_OPTIONS);
const MAP_OPTIONS = optionNames('map', ['concurrency']);

/** The real Promise.prototype.then: a promise calls it back exactly once, and reading it runs no user code. */
const nativeThen = Promise.prototype.then;

/** A task that carries options, with the function it runs and the slot it runs in. */
class Job extends CoreJob {
  slot: Slot | null = null;
  constructor(readonly fn: AnyFn, arg: unknown, callback: AnyCallback, settings: JobSettings) {
    super(arg, callback, settings);
  }
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
  /** A plain task's submitter context (jobs keep theirs). */
  context: SubmitContext | null = null;
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

/** Adopts any thenable into a real promise: whatever the thenable does, the promise settles once. */
function adopt(value: unknown, then: (...args: unknown[]) => unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    then.call(value, resolve, reject);
  });
}

export class AsyncPool<A = unknown, R = unknown> extends PoolCore<Job, A, R> {
  private limit: number;
  private readonly out: Triple = { a: undefined, b: undefined, c: undefined };
  private readonly freeSlots: Slot[] = [];
  private readonly busySlots: Slot[] = [];
  private running = 0;
  private pumping = false;
  /** Bound once: a timer per task with a timeout, but no closure per task. */
  private readonly timeoutHandler = (job: Job): void => this.expire(job);

  constructor(options: AsyncPoolOptions<A, R> = {}) {
    super(options, isJob, POOL_OPTIONS, TASK_OPTIONS);
    this.limit = checkInteger('concurrency', options.concurrency ?? 10, 1);
  }

  get concurrency(): number {
    return this.limit;
  }

  /** Tasks running now. */
  get runningCount(): number {
    return this.running;
  }

  /** Changes how many tasks may run at once; takes effect immediately (running tasks are never interrupted). */
  setConcurrency(concurrency: number): void {
    this.limit = checkInteger('concurrency', concurrency, 1);
    refreshContext(); // queued tasks may start here, in the caller's context
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
    this.checkTask(fn, callback);
    if (options === undefined && !this.jobsOnly && !this.closing) {
      if (this.running < this.limit && this.queue.size === 0) {
        this.counters.submitted++;
        // It starts here, in its submitter's context; the context is kept only for a callback destroy() may call.
        return this.startPlain(fn, arg, callback, captureContext(null));
      }
      if (this.queue.size < this.maxQueue) {
        this.counters.submitted++;
        return this.queue.push(captureContext(fn) ?? fn, arg, callback);
      }
    }
    const job = new Job(fn, arg, callback, this.settingsFor(options));
    this.counters.submitted++;
    this.submitJob(job);
  }

  /**
   * submit() that never waits for queue room: when the queue is full it rejects with QueueFullError, even on a
   * pool created with whenFull: 'wait'. Otherwise it behaves exactly as submit().
   */
  trySubmit<T extends R = R>(fn: TaskFn<A, T>, arg?: A, options?: TaskOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const callback: AnyCallback = (error, result) => (error === undefined ? resolve(result as T) : reject(error));
      this.checkTask(fn, callback);
      const job = new Job(fn, arg, callback, this.settingsFor(options));
      this.counters.submitted++;
      this.submitJob(job, false);
    });
  }

  /** A group of tasks awaited together with all(); `{ failFast: true }` aborts the rest on the first failure. */
  group(options?: GroupOptions): AsyncTaskGroup<A, R> {
    return new AsyncTaskGroup(this, options, (fn) => this.deferPump(fn));
  }

  /**
   * Runs fn over every item with at most `concurrency` in flight (and within the pool's own limit),
   * yielding results in input order. The first failure is thrown at its position.
   */
  map<I extends A, T extends R>(items: Iterable<I>, fn: TaskFn<I, T>, options: { concurrency?: number } = {}): AsyncGenerator<T> {
    checkKnownOptions(options, MAP_OPTIONS);
    const window = checkInteger('map concurrency', options.concurrency ?? this.limit, 1);
    return orderedMap(items, window, (item) => this.submit(fn as TaskFn<A, T>, item));
  }

  /**
   * Settles every task still waiting to start (queued, held for room, or waiting to retry) with `error`, an AbortError
   * unless given. Running tasks go on, and the pool stays open.
   */
  clearQueue(error: Error = new AbortError()): void {
    refreshContext(); // the cleared tasks' callbacks run in their submitters' contexts
    this.rejectWaiting(error, isJob);
    this.wakeRoomWaiters();
    this.checkIdle();
  }

  /** Stops accepting tasks, lets queued and running ones finish, then resolves. */
  close(): Promise<void> {
    refreshContext();
    this.closing = true;
    this.pump();
    return this.onIdle();
  }

  /** Stops accepting tasks, rejects queued ones with PoolDestroyedError, aborts running ones, and resolves. */
  async destroy(): Promise<void> {
    const error = this.beginDestroy(isJob);
    while (this.busySlots.length > 0) {
      const slot = this.busySlots[this.busySlots.length - 1]!;
      const { job, arg, callback, controller, context } = slot;
      this.release(slot, false);
      controller?.abort(error);
      if (job) this.settleJob(job, error);
      else this.settleWithin(context, arg, callback!, error);
    }
    this.notifyIdle();
  }

  metrics(): PoolMetrics {
    return this.commonMetrics(this.running);
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────────────

  protected canStartNow(): boolean {
    return this.running < this.limit && this.queue.size === 0 && this.admits();
  }

  /** Checks a task's function and callback (the caller counts it as submitted once its options passed too). */
  private checkTask(fn: unknown, callback: unknown): void {
    if (typeof fn !== 'function') throw new TypeError(`task must be a function; got ${typeof fn}`);
    if (typeof callback !== 'function') throw new TypeError(`callback must be a function; got ${typeof callback}`);
  }

  private acquireSlot(): Slot {
    const slot = this.freeSlots.pop() ?? new Slot(this);
    slot.active = true;
    slot.busyIndex = this.busySlots.push(slot) - 1;
    this.running++;
    return slot;
  }

  /** Starts a plain task in the current context: the caller makes sure it is the task's own. */
  private startPlain(fn: AnyFn, arg: unknown, callback: AnyCallback, context: SubmitContext | null): void {
    const slot = this.acquireSlot();
    slot.fn = fn;
    slot.arg = arg;
    slot.callback = callback;
    slot.context = context;
    this.invoke(slot, fn, arg, 1);
  }

  /** Starts a plain task that waited, in its submitter's context (or an empty one: its submitter had none). */
  private startQueued(fn: AnyFn, arg: unknown, callback: AnyCallback, context: SubmitContext | null): void {
    if (context === null && !contextInUse) this.startPlain(fn, arg, callback, null);
    else scopeOf(context).runInAsyncScope(this.startPlain, this, fn, arg, callback, context);
  }

  protected startJob(job: Job): void {
    if (job.context === null && !contextInUse) this.startJobHere(job);
    else scopeOf(job.context).runInAsyncScope(this.startJobHere, this, job);
  }

  private startJobHere(job: Job): void {
    const slot = this.acquireSlot();
    slot.fn = job.fn;
    slot.arg = job.arg;
    slot.callback = job.callback;
    slot.job = job;
    job.slot = slot;
    job.state = RUNNING;
    this.breaker?.started(job);
    if (this.trackLatency) {
      slot.startedAt = performance.now();
      this.waitLatency!.record(slot.startedAt - job.submittedAt);
    }
    if (hasTimeout(job.timeoutMs)) job.timer = setTimeout(this.timeoutHandler, job.timeoutMs, job);
    this.invoke(slot, job.fn, job.arg, job.attempt);
  }

  /**
   * Runs the task and wires its outcome to the slot, whatever it returns. Its slot's handlers are reused by the next
   * task, so they must be called exactly once: only a real promise gets them directly; any other thenable (one that
   * resolves twice, or both resolves and rejects) is adopted by a promise first, and a `then` getter that throws
   * rejects the task, as awaiting it would.
   */
  private invoke(slot: Slot, fn: AnyFn, arg: unknown, attempt: number): void {
    let value: unknown;
    let then: unknown;
    try {
      if (fn.length >= 2) {
        slot.controller = new AbortController();
        value = fn(arg, { signal: slot.controller.signal, attempt });
      } else {
        value = (fn as (arg: unknown) => unknown)(arg);
      }
      if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return this._finish(slot, undefined, value, true);
      then = (value as { then?: unknown }).then;
    } catch (error) {
      return this._finish(slot, error, undefined, false);
    }
    if (typeof then !== 'function') return this._finish(slot, undefined, value, true);
    if (then === nativeThen && value instanceof Promise) {
      try {
        nativeThen.call(value, slot.onOk, slot.onErr);
        return;
      } catch {
        // A promise whose species constructor throws: adopting it below settles the task with that error.
      }
    }
    nativeThen.call(adopt(value, then as (...args: unknown[]) => unknown), slot.onOk, slot.onErr);
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
    slot.fn = slot.callback = slot.job = slot.controller = slot.context = null;
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

  protected detachRunning(job: Job, error: unknown): void {
    const controller = job.slot!.controller;
    this.release(job.slot!, false);
    controller?.abort(error);
  }

  protected pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const now = this.aging ? performance.now() : 0;
    const out = this.out;
    // Starting a task can free room for held submissions, and moving those can give idle slots work: loop until stable.
    do {
      while (this.running < this.limit && this.queue.size > 0 && this.admits() && this.queue.shift(out, now)) {
        const { a, b, c } = out;
        out.a = out.b = out.c = undefined;
        if (typeof a === 'function') this.startQueued(a as AnyFn, b, c as AnyCallback, null);
        else if (isJob(a)) this.startJob(a);
        else this.startQueued((a as SubmitContext).payload as AnyFn, b, c as AnyCallback, a as SubmitContext);
      }
    } while (this.hasHeld() && this.moveHeld() && this.running < this.limit);
    this.wakeRoomWaiters();
    this.pumping = false;
    this.checkIdle();
  }

}

/** A task group on the async engine: members are submitted as with the pool's submit() and awaited with all(). */
export class AsyncTaskGroup<A = unknown, R = unknown> extends TaskGroup<R, TaskOptions> {
  constructor(
    private readonly pool: AsyncPool<A, R>,
    options: GroupOptions | undefined,
    deferPump: (fn: () => void) => void,
  ) {
    super(options, deferPump);
  }

  submit<T extends R = R>(fn: TaskFn<A, T>, arg?: A, options?: TaskOptions): Promise<T> {
    return this.add<T>(options, (memberOptions, callback) => this.pool.run(fn, arg as A, callback, memberOptions));
  }
}
