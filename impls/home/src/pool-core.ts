// What both engines share: the queue and what waits beside it (held submissions, retries), the life of a task that
// carries options (submit → queue → run → retry or settle), and the counting and delivery of every outcome.
// Each engine supplies how a task starts, how a running one is cut loose, and its own hot path for plain tasks.
import { CircuitBreaker, type BreakerOptions, type BreakerState, type BreakerTicket } from './breaker.js';
import { SubmitContext, captureContext, contextInUse, refreshContext, scopeOf } from './context.js';
import {
  AbortError,
  PoolClosedError,
  PoolDestroyedError,
  PoolOverloadError,
  QueueFullError,
  optionErrors,
  taskErrors,
  warnCallbackThrew,
} from './errors.js';
import { Counters, Latency, type PoolMetrics } from './metrics.js';
import {
  checkIntegerOrInfinity,
  checkKnownOptions,
  checkNonNegative,
  checkNumber,
  checkOptionalFunction,
  checkTimerMs,
  optionNames,
  type OptionNames,
} from './options.js';
import { normalizeRetry, retryDelay, shouldRetry, type RetryOptions, type RetryPolicy } from './retry.js';
import { TaskQueue, type QueuedJob } from './task-queue.js';

export const QUEUED = 0;
export const RUNNING = 1;
export const RETRY_WAIT = 2;
export const HELD = 3;
/** Refused at submission (closed pool, already-aborted signal, full queue); settles on a microtask. */
export const REFUSED = 4;
export const DONE = 5;

export type AnyCallback = (error: unknown, result: any, arg: any) => void;

/** Options every task accepts, on both engines. */
export interface CoreTaskOptions {
  /** Higher runs first; FIFO within one priority. Any number but NaN (±Infinity: always first / last). Default 0. */
  priority?: number;
  /**
   * Rejects the task with TimeoutError after this many ms (and aborts its signal); 0 or Infinity: no timeout.
   * At most 2³¹ − 1 ms. Default: the pool's timeoutMs.
   */
  timeoutMs?: number;
  /** Aborting it removes a queued task, or aborts a running task's signal; either way the task rejects with AbortError. */
  signal?: AbortSignal;
  /** Retry policy for this task; default: the pool's retry. */
  retry?: RetryOptions | number;
}

/** Names of the options every task accepts; each engine adds its own. */
export const CORE_TASK_OPTIONS = ['priority', 'timeoutMs', 'signal', 'retry'] as const;

/** Names of the options both engines' constructors accept; each engine adds its own. */
export const CORE_POOL_OPTIONS = [
  'maxQueue', 'whenFull', 'maxBlockedSubmits', 'breaker', 'timeoutMs', 'retry', 'agingMs', 'trackLatency', 'onResult', 'onError',
] as const;

/** A task's options with the pool's defaults applied, and its submitter's context. */
export interface JobSettings {
  priority: number;
  timeoutMs: number;
  retry: RetryPolicy | null;
  signal: AbortSignal | null;
  context: SubmitContext | null;
}

/** 0 and Infinity both mean "no timeout"; the pool arms a timer only for a finite, positive value. */
export function hasTimeout(timeoutMs: number): boolean {
  return timeoutMs > 0 && timeoutMs !== Infinity;
}

/** A task that carries options: timeout, signal, retry, priority, or per-task timing. */
export class CoreJob implements QueuedJob, BreakerTicket {
  cancelled = false;
  probeEpoch = 0;
  state = QUEUED;
  attempt = 1;
  timer: NodeJS.Timeout | null = null;
  onAbort: (() => void) | null = null;
  queuedAt = 0;
  submittedAt = 0;
  readonly priority: number;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy | null;
  readonly signal: AbortSignal | null;
  /** The submitter's context, when AsyncLocalStorage was in use at submit: the task and its callbacks run in it. */
  readonly context: SubmitContext | null;
  constructor(
    readonly arg: unknown,
    readonly callback: AnyCallback,
    settings: JobSettings,
  ) {
    this.priority = settings.priority;
    this.timeoutMs = settings.timeoutMs;
    this.retry = settings.retry;
    this.signal = settings.signal;
    this.context = settings.context;
  }
}

export interface CoreOptions<A, R> {
  maxQueue?: number;
  whenFull?: 'reject' | 'wait';
  /** Callers that may wait for queue room at once (held submissions + waitForRoom()); past it: PoolOverloadError. */
  maxBlockedSubmits?: number;
  /** Opt-in circuit breaker: stops starting tasks while too many fail; queued tasks wait, none is rejected. */
  breaker?: BreakerOptions;
  timeoutMs?: number;
  retry?: RetryOptions | number;
  agingMs?: number;
  trackLatency?: boolean;
  onResult?: (result: R, arg: A) => void;
  onError?: (error: unknown, arg: A) => void;
}

/**
 * A task's own callback that throws is the caller's bug, as in any Node callback API: it surfaces as an uncaught
 * exception, after the pool's bookkeeping is done. (Observers, onResult and onError, only get a warning.)
 */
function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}

/**
 * map() of both engines: submits one item at a time, keeps at most `window` results pending, and yields them in
 * input order. A failed item throws at its position; the others are observed so none becomes an unhandled rejection.
 */
export async function* orderedMap<I, T>(items: Iterable<I>, window: number, submit: (item: I) => Promise<T>): AsyncGenerator<T> {
  const inFlight: Promise<T>[] = [];
  let head = 0;
  for (const item of items) {
    const promise = submit(item);
    promise.catch(() => {});
    inFlight.push(promise);
    if (inFlight.length - head >= window) yield await inFlight[head++]!;
  }
  while (head < inFlight.length) yield await inFlight[head++]!;
}

export abstract class PoolCore<J extends CoreJob, A, R> {
  protected readonly maxQueue: number;
  protected readonly whenFull: 'reject' | 'wait';
  protected readonly maxBlocked: number;
  protected readonly breaker: CircuitBreaker | null;
  protected readonly defaultTimeoutMs: number;
  protected readonly defaultRetry: RetryPolicy | null;
  protected readonly aging: boolean;
  protected readonly trackLatency: boolean;
  /** Every task needs a job when a pool-wide option applies to it. */
  protected readonly jobsOnly: boolean;
  private readonly onResult: ((result: R, arg: A) => void) | undefined;
  private readonly onError: ((error: unknown, arg: A) => void) | undefined;
  /** The task options this engine accepts. */
  private readonly taskOptionNames: OptionNames;

  protected readonly queue: TaskQueue<J>;
  private held: J[] = [];
  private heldHead = 0;
  /** Held jobs not cancelled. */
  private heldLive = 0;
  private readonly retrying = new Set<J>();
  protected closing = false;
  protected destroyed = false;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly roomWaiters: (() => void)[] = [];
  /** While > 0, aborts do not pump: see deferPump. */
  private pumpDeferred = 0;
  protected readonly counters = new Counters();
  protected readonly waitLatency: Latency | null;
  protected readonly runLatency: Latency | null;

  /**
   * `poolOptions` and `taskOptions` name every option the engine accepts: anything else is refused, so a misspelt
   * option cannot be ignored without a word.
   */
  protected constructor(
    options: CoreOptions<A, R>,
    isJob: (value: unknown) => value is J,
    poolOptions: OptionNames,
    taskOptions: OptionNames,
  ) {
    checkKnownOptions(options, poolOptions);
    this.taskOptionNames = taskOptions;
    // The submitter's context is kept only once AsyncLocalStorage is in use: see context.ts.
    refreshContext();
    this.maxQueue = checkIntegerOrInfinity('maxQueue', options.maxQueue ?? Infinity, 0);
    const whenFull = options.whenFull ?? 'reject';
    if (whenFull !== 'reject' && whenFull !== 'wait') throw optionErrors.oneOf('whenFull', whenFull, '"reject" or "wait"');
    this.whenFull = whenFull;
    this.maxBlocked = checkIntegerOrInfinity('maxBlockedSubmits', options.maxBlockedSubmits ?? Infinity, 0);
    this.breaker = options.breaker === undefined ? null : new CircuitBreaker(options.breaker, (state) => this.breakerChanged(state));
    this.defaultTimeoutMs = options.timeoutMs === undefined ? 0 : checkTimerMs('timeoutMs', options.timeoutMs, 'no timeout');
    this.defaultRetry = normalizeRetry('retry', options.retry);
    const agingMs = options.agingMs === undefined ? 0 : checkNonNegative('agingMs', options.agingMs);
    this.aging = agingMs > 0;
    this.queue = new TaskQueue<J>(isJob, agingMs);
    this.trackLatency = options.trackLatency ?? false;
    this.waitLatency = this.trackLatency ? new Latency() : null;
    this.runLatency = this.trackLatency ? new Latency() : null;
    // The breaker must see every start and outcome, so it routes every task through a job.
    this.jobsOnly = hasTimeout(this.defaultTimeoutMs) || this.defaultRetry !== null || this.aging || this.trackLatency || this.breaker !== null;
    this.onResult = checkOptionalFunction('onResult', options.onResult);
    this.onError = checkOptionalFunction('onError', options.onError);
  }

  /** Tasks running now. */
  abstract get runningCount(): number;

  /**
   * Checks a task's options (throws on a bad one, before the task counts as submitted) and captures its submitter's
   * context. `contextPayload`: what the engine keeps beside a plain task's context (unused for jobs).
   */
  protected settingsFor(options: CoreTaskOptions | undefined): JobSettings {
    if (options === undefined) {
      return { priority: 0, timeoutMs: this.defaultTimeoutMs, retry: this.defaultRetry, signal: null, context: captureContext(null) };
    }
    checkKnownOptions(options, this.taskOptionNames);
    const signal = options.signal ?? null;
    if (signal !== null && !isAbortSignal(signal)) throw optionErrors.oneOf('signal', signal, 'an AbortSignal');
    return {
      priority: options.priority === undefined ? 0 : checkNumber('priority', options.priority),
      timeoutMs: options.timeoutMs === undefined ? this.defaultTimeoutMs : checkTimerMs('timeoutMs', options.timeoutMs, 'no timeout'),
      retry: options.retry === undefined ? this.defaultRetry : normalizeRetry('retry', options.retry),
      signal,
      context: captureContext(null),
    };
  }
  /** True when a job admitted now would start at once (nothing queued ahead, capacity free). */
  protected abstract canStartNow(): boolean;
  protected abstract startJob(job: J): void;
  /** Starts whatever the queue holds that capacity allows. */
  protected abstract pump(): void;
  /** Cuts a running job loose (abort): it no longer counts as running; its late outcome must be ignored. */
  protected abstract detachRunning(job: J, error: unknown): void;

  /** Tasks waiting to start (queued, held for room, or waiting to retry). */
  get pendingCount(): number {
    return this.queue.size + this.heldLive + this.retrying.size;
  }

  /** Callers waiting for queue room now: held submissions and waitForRoom() promises. */
  get blockedCount(): number {
    return this.heldLive + this.roomWaiters.length;
  }

  /**
   * Resolves once the queue has room for another task (immediately when it has). Rejects at once with
   * PoolOverloadError when maxBlockedSubmits callers are already waiting.
   */
  waitForRoom(): Promise<void> {
    if (this.queue.size < this.maxQueue) return Promise.resolve();
    if (this.blockedCount >= this.maxBlocked) return Promise.reject(new PoolOverloadError(this.maxBlocked));
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Called at the end of each pump: wakes waitForRoom() callers, one per free queue place. */
  protected wakeRoomWaiters(): void {
    // One per free place: a woken caller submits at once, and a second woken for the same place would be refused.
    let free = this.maxQueue - this.queue.size;
    while (this.roomWaiters.length > 0 && (free-- > 0 || this.destroyed)) this.roomWaiters.shift()!();
  }

  /** True when the breaker (if any) lets one more task start now. */
  protected admits(): boolean {
    return this.breaker === null || this.breaker.allows();
  }

  private breakerChanged(state: BreakerState): void {
    // Open: keep the process alive through the cool-down only if tasks wait for it. Otherwise tasks may start.
    if (state === 'open') this.breaker!.holdProcess(this.pendingCount > 0);
    else this.pump();
  }

  /**
   * For exporters: sees every wait-time and run-time duration (ms) as it is recorded. Only pools created with
   * trackLatency record them; otherwise this returns null. One observer at a time; call the returned function to detach.
   */
  observeLatency(listener: (kind: 'wait' | 'run', ms: number) => void): (() => void) | null {
    if (!this.waitLatency || !this.runLatency) return null;
    if (this.waitLatency.listener) throw new Error('observeLatency: this pool already has a latency observer');
    this.waitLatency.listener = (ms) => listener('wait', ms);
    this.runLatency.listener = (ms) => listener('run', ms);
    return () => {
      this.waitLatency!.listener = this.runLatency!.listener = null;
    };
  }

  /** Resolves when nothing is running, queued, held or waiting to retry. */
  onIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  protected commonMetrics(running: number): PoolMetrics {
    const c = this.counters;
    return {
      submitted: c.submitted,
      completed: c.completed,
      failed: c.failed,
      retried: c.retried,
      timedOut: c.timedOut,
      aborted: c.aborted,
      running,
      queued: this.pendingCount,
      ...(this.waitLatency ? { waitTime: this.waitLatency.summary() } : {}),
      ...(this.runLatency ? { runTime: this.runLatency.summary() } : {}),
      ...(this.breaker ? { breaker: this.breaker.metrics() } : {}),
    };
  }

  /** `mayWait` false (trySubmit) refuses with QueueFullError where whenFull 'wait' would hold the submission. */
  protected submitJob(job: J, mayWait = true): void {
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
    if (this.canStartNow()) return this.startJob(job);
    if (this.breaker?.current === 'open') this.breaker.holdProcess(true);
    if (this.queue.size >= this.maxQueue) {
      if (this.whenFull === 'reject' || !mayWait) return this.refuse(job, new QueueFullError(this.maxQueue));
      if (this.blockedCount >= this.maxBlocked) return this.refuse(job, new PoolOverloadError(this.maxBlocked));
      job.state = HELD;
      this.held.push(job);
      this.heldLive++;
      return;
    }
    this.enqueue(job);
    this.pump();
  }

  protected enqueue(job: J): void {
    job.state = QUEUED;
    if (this.aging) job.queuedAt = performance.now();
    this.queue.pushJob(job);
  }

  private abortJob(job: J, error: AbortError): void {
    // Called in the aborter's context: a task that captured none must not see the aborter's store.
    refreshContext();
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
      case RUNNING:
        this.detachRunning(job, error);
        break;
      default:
        return;
    }
    this.counters.aborted++;
    this.settleJob(job, error);
    if (this.pumpDeferred === 0) this.pump();
  }

  /**
   * Runs `fn` (which aborts tasks) and pumps once after it. Aborting many tasks one by one would otherwise free a
   * slot with the first abort and start a queued task the next abort is about to cancel.
   */
  protected deferPump(fn: () => void): void {
    this.pumpDeferred++;
    try {
      fn();
    } finally {
      if (--this.pumpDeferred === 0) this.pump();
    }
  }

  /**
   * A try failed: retry it after its backoff if its policy allows, otherwise settle it with the error. A retryOn
   * predicate that throws settles the task with an error saying so (it runs in the task's context, like every callback).
   */
  protected fail(job: J, error: unknown, timedOut: boolean): void {
    this.breaker?.finished(job, true);
    const policy = job.retry;
    if (policy === null || this.destroyed) return this.settleJob(job, error);
    let retry: boolean;
    try {
      retry =
        policy.retryOn !== null && (job.context !== null || contextInUse)
          ? scopeOf(job.context).runInAsyncScope(shouldRetry, null, policy, error, job.attempt, timedOut)
          : shouldRetry(policy, error, job.attempt, timedOut);
    } catch (thrown) {
      return this.settleJob(job, taskErrors.retryOnThrew(thrown, error));
    }
    if (retry) {
      this.counters.retried++;
      job.attempt++;
      job.state = RETRY_WAIT;
      this.retrying.add(job);
      job.timer = setTimeout(() => {
        job.timer = null;
        this.retrying.delete(job);
        if (this.canStartNow()) this.startJob(job);
        else this.enqueue(job);
        this.pump();
      }, retryDelay(policy, job.attempt - 1, error));
      return;
    }
    this.settleJob(job, error);
  }

  protected settleJob(job: J, error: unknown, value?: unknown): void {
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
    if (this.breaker) {
      // A failed try was reported in fail(); what remains is a success, or an end without outcome (abort, destroy).
      if (error === undefined) this.breaker.finished(job, false);
      else this.breaker.released(job);
    }
    this.settleWithin(job.context, job.arg, job.callback, error, value);
  }

  /**
   * The one place a task's outcome is counted and delivered, in the current context: call it directly only where
   * that is the task's own (the async engine's promise handlers); elsewhere use settleWithin().
   */
  protected settle(arg: unknown, callback: AnyCallback, error: unknown, value?: unknown): void {
    try {
      if (error === undefined) {
        this.counters.completed++;
        this.onResult?.(value as R, arg as A);
      } else {
        this.counters.failed++;
        this.onError?.(error, arg as A);
      }
    } catch (thrown) {
      // An observer's bug must not change the task's outcome, nor crash the process: it gets a warning.
      warnCallbackThrew(error === undefined ? 'onResult' : 'onError', thrown);
    }
    try {
      callback(error, value, arg);
    } catch (thrown) {
      rethrowLater(thrown);
    }
  }

  /** settle(), in the task's submitter context (or an empty one when it captured none and a store may exist now). */
  protected settleWithin(context: SubmitContext | null, arg: unknown, callback: AnyCallback, error: unknown, value?: unknown): void {
    if (context === null && !contextInUse) this.settle(arg, callback, error, value);
    else scopeOf(context).runInAsyncScope(this.settle, this, arg, callback, error, value);
  }

  /** Rejects a task that never entered the pool, asynchronously, as a promise rejection would. */
  private refuse(job: J, error: Error): void {
    job.state = REFUSED;
    queueMicrotask(() => this.settleJob(job, error));
  }

  protected hasHeld(): boolean {
    return this.heldHead < this.held.length;
  }

  /** Moves held submissions into the queue while there is room (all of them once closing). True if any moved. */
  protected moveHeld(): boolean {
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

  /** Settles every task that waits (queued, held, retrying) with `error`; plain tasks through `settlePlain`. */
  protected rejectWaiting(error: Error, isJob: (value: unknown) => value is J): void {
    this.queue.drain((a, b, c) =>
      isJob(a) ? this.settleJob(a, error) : this.settleWithin(a instanceof SubmitContext ? a : null, b, c as AnyCallback, error),
    );
    for (const job of this.held.splice(this.heldHead)) if (!job.cancelled) this.settleJob(job, error);
    this.heldHead = this.heldLive = 0;
    for (const job of this.retrying) this.settleJob(job, error);
    this.retrying.clear();
  }

  /** First step of destroy() on either engine: refuse new work and reject everything that waits. */
  protected beginDestroy(isJob: (value: unknown) => value is J): PoolDestroyedError {
    refreshContext();
    this.closing = true;
    this.destroyed = true;
    const error = new PoolDestroyedError();
    this.rejectWaiting(error, isJob);
    this.breaker?.dispose();
    // Their next submit is refused with PoolDestroyedError rather than left waiting forever.
    this.wakeRoomWaiters();
    return error;
  }

  protected isIdle(): boolean {
    return this.runningCount === 0 && this.pendingCount === 0;
  }

  protected checkIdle(): void {
    if (this.idleWaiters.length > 0 && this.isIdle()) this.notifyIdle();
  }

  protected notifyIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
