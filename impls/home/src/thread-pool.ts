// The thread engine: a worker-thread pool for CPU-bound (or worker-side async) tasks, and its public API.
// Tasks in flight = threads × concurrentTasksPerWorker. The parts, each in its own module:
// - thread-worker-handle.ts: one worker's lifecycle (start, ref/unref, idle countdown, busy time);
// - thread-task-table.ts: a task's bookkeeping, in parallel arrays indexed by a recycled task id, not an object per task;
// - thread-dispatch.ts: tasks bound for one worker within one tick go out in ONE postMessage ([id, arg, id, arg, …]),
//   and the worker answers a whole event-loop turn of completions in one message (thread-worker.ts);
// - here: which workers exist, which task goes where, and how results, timeouts and crashes settle tasks.
// Tasks without options wait in the queue as flat triples, as in the async engine.
// Whatever one task does (an argument or result that cannot be cloned, killing its worker, running out of memory),
// it fails that task, and only the tasks running beside it in a worker that dies; queued work gets a new worker,
// also while closing, and when no worker can start at all the waiting tasks fail with the reason.
import { availableParallelism } from 'node:os';
import { SHARE_ENV, type ResourceLimits, type TransferListItem } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { SubmitContext, captureContext, refreshContext } from './context.js';
import { TimeoutError, WorkerCrashError, describe, optionErrors, taskErrors, type WorkerCrashInfo } from './errors.js';
import type { PoolMetrics } from './metrics.js';
import { checkInteger, checkKnownOptions, checkTimerMs, optionNames } from './options.js';
import { TaskGroup, type GroupOptions } from './group.js';
import {
  CORE_POOL_OPTIONS,
  CORE_TASK_OPTIONS,
  PoolCore,
  RUNNING as J_RUNNING,
  hasTimeout,
  orderedMap,
  type AnyCallback,
  type CoreOptions,
  type CoreTaskOptions,
} from './pool-core.js';
import type { Triple } from './task-queue.js';
import { WorkerHandle, type WorkerSetup } from './thread-worker-handle.js';
import { FREE, RUNNING, TaskTable, ThreadJob, ZOMBIE, isThreadJob } from './thread-task-table.js';
import { DEFAULT_NAME, Dispatcher, deserializeError } from './thread-dispatch.js';

export type ThreadTaskCallback<A, R> = (error: unknown, result: R | undefined, arg: A) => void;

export interface ThreadTaskOptions extends CoreTaskOptions {
  /** Named export of the task module to run. Default: its default export. */
  name?: string;
  /** Transferred, not copied, to the worker (ArrayBuffers, MessagePorts). */
  transferList?: readonly TransferListItem[];
}

export interface ThreadPoolOptions<A = unknown, R = unknown> extends CoreOptions<A, R> {
  /** The task module (path or file: URL). Its default export, or the named export a task asks for, runs each task. */
  filename: string | URL;
  /** Threads kept even when idle. Default 1. */
  minThreads?: number;
  /** Threads at most; more start under queue pressure. Default os.availableParallelism(). */
  maxThreads?: number;
  /** Tasks one worker runs at once (useful for async tasks inside workers). Default 1. */
  concurrentTasksPerWorker?: number;
  /** A thread above minThreads with nothing to do stops after this many ms. Default 10000. */
  idleTimeoutMs?: number;
  /** After a timeout, how long a worker has to answer the cancel before it is taken for CPU-bound and recycled. Default 100. */
  recycleAfterMs?: number;
  /** Passed to each worker as worker_threads.workerData. Must be structured-cloneable. */
  workerData?: unknown;
  /** Caps each worker's JS engine (new Worker's resourceLimits). A worker that hits one dies; its tasks fail with WorkerCrashError. */
  resourceLimits?: ResourceLimits;
  /** process.env inside each worker (new Worker's env): an object, or worker_threads.SHARE_ENV. Default: a copy of the parent's. */
  env?: NodeJS.Dict<string> | typeof SHARE_ENV;
  /** Node CLI options for each worker (new Worker's execArgv). Default: the parent's. */
  execArgv?: string[];
  /** Appended to process.argv in each worker (new Worker's argv). */
  argv?: unknown[];
  /** The export plain tasks run (piscina's `name`). Default 'default'. */
  name?: string;
}

/** Workers that die before loading the task module, in a row, before waiting tasks are failed instead of retried forever. */
const STARTUP_FAILURES_TO_GIVE_UP = 3;

const POOL_OPTIONS = optionNames('ThreadPool', [
  ...CORE_POOL_OPTIONS,
  'filename', 'minThreads', 'maxThreads', 'concurrentTasksPerWorker', 'idleTimeoutMs', 'recycleAfterMs', 'workerData',
  'resourceLimits', 'env', 'execArgv', 'argv', 'name',
]);
const TASK_OPTIONS = optionNames('task', [...CORE_TASK_OPTIONS, 'name', 'transferList']);
const LIMIT_OPTIONS = optionNames('setConcurrency', ['minThreads', 'maxThreads', 'concurrentTasksPerWorker']);
const MAP_OPTIONS = optionNames('map', ['concurrency', 'name']);
const RESOURCE_LIMITS = optionNames('resourceLimits', ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb']);

function checkResourceLimits(value: unknown): ResourceLimits | undefined {
  if (value === undefined) return undefined;
  checkKnownOptions(value, RESOURCE_LIMITS, 'resourceLimits.');
  for (const [key, limit] of Object.entries(value as Record<string, unknown>)) {
    if (limit !== undefined && !(typeof limit === 'number' && limit > 0 && Number.isFinite(limit))) {
      throw optionErrors.range(`resourceLimits.${key}`, limit, 'must be a number of MB > 0');
    }
  }
  return { ...(value as ResourceLimits) };
}

function checkWorkerData(value: unknown): unknown {
  // Cloned for every worker anyway; cloning once here turns a worker that could never start into a clear error now.
  if (value !== undefined) {
    try {
      structuredClone(value);
    } catch (error) {
      throw optionErrors.notCloneable('workerData', error);
    }
  }
  return value;
}

/** A worker's 'error' event value, as text: an Error by its name and message, anything else by what it is. */
function describeWorkerError(error: unknown): string {
  return error instanceof Error ? describe(error) : `an uncaught exception that could not be passed out of the worker (${describe(error)})`;
}

/** The code of a worker's error (ERR_WORKER_OUT_OF_MEMORY, …), if it has one; reading it runs no user code twice. */
function errorCode(error: unknown): string | undefined {
  try {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

export class ThreadPool<A = unknown, R = unknown> extends PoolCore<ThreadJob, A, R> {
  private readonly setup: WorkerSetup;
  private minThreads: number;
  private maxThreads: number;
  private perWorker: number;
  private readonly idleTimeoutMs: number;
  private readonly recycleAfterMs: number;

  private readonly workers: WorkerHandle[] = [];
  private readonly out: Triple = { a: undefined, b: undefined, c: undefined };

  /** Per task id (recycled): what runs where. */
  private readonly table = new TaskTable();
  private readonly dispatcher: Dispatcher;
  private readonly recycleTimers = new Map<number, NodeJS.Timeout>();

  private running = 0;
  private startupFailures = 0;
  /** Why the last worker could not be started, until the waiting tasks have been told (see spawn()). */
  private spawnFailure: { error: unknown } | null = null;
  private readonly maybeIdle: WorkerHandle[] = [];
  private dispatching = false;
  private retiredBusy = 0;
  private retiredLifetime = 0;
  private readonly timeoutHandler = (job: ThreadJob): void => this.expire(job);
  private readonly messageHandler = (handle: WorkerHandle, message: unknown): void => this.onMessage(handle, message);
  private readonly exitHandler = (handle: WorkerHandle, code: number): void => this.onExit(handle, code);
  private readonly idleHandler = (handle: WorkerHandle): void => {
    if (handle.inFlight === 0 && this.workers.length > this.minThreads) this.stop(handle);
  };

  constructor(options: ThreadPoolOptions<A, R>) {
    if (!options || (typeof options.filename !== 'string' && !(options.filename instanceof URL))) {
      throw optionErrors.oneOf('filename', options?.filename, 'a path or file: URL of the task module');
    }
    super(options, isThreadJob, POOL_OPTIONS, TASK_OPTIONS);
    const given = options.filename;
    const filename = given instanceof URL || given.startsWith('file:') ? fileURLToPath(given) : given;
    this.maxThreads = checkInteger('maxThreads', options.maxThreads ?? availableParallelism(), 1);
    this.minThreads = checkInteger('minThreads', options.minThreads ?? Math.min(1, this.maxThreads), 0);
    if (this.minThreads > this.maxThreads) throw optionErrors.range('minThreads', this.minThreads, `must be ≤ maxThreads (${this.maxThreads})`);
    this.perWorker = checkInteger('concurrentTasksPerWorker', options.concurrentTasksPerWorker ?? 1, 1);
    this.idleTimeoutMs = checkTimerMs('idleTimeoutMs', options.idleTimeoutMs ?? 10_000, 'idle threads never stop');
    this.recycleAfterMs = checkTimerMs('recycleAfterMs', options.recycleAfterMs ?? 100, 'never recycled');
    const { env, execArgv, argv, name } = options;
    if (env !== undefined && env !== SHARE_ENV && (typeof env !== 'object' || env === null)) {
      throw optionErrors.oneOf('env', env, 'an object of environment variables or worker_threads.SHARE_ENV');
    }
    if (execArgv !== undefined && !(Array.isArray(execArgv) && execArgv.every((a) => typeof a === 'string'))) {
      throw optionErrors.oneOf('execArgv', execArgv, 'an array of strings (Node CLI options)');
    }
    if (argv !== undefined && !Array.isArray(argv)) throw optionErrors.oneOf('argv', argv, 'an array');
    if (name !== undefined && (typeof name !== 'string' || name === '')) {
      throw optionErrors.oneOf('name', name, 'the name of an export of the task module (a non-empty string)');
    }
    this.setup = {
      filename,
      defaultName: name ?? DEFAULT_NAME,
      workerData: checkWorkerData(options.workerData),
      resourceLimits: checkResourceLimits(options.resourceLimits),
      env,
      execArgv: execArgv ? [...execArgv] : undefined,
      argv: argv ? [...argv] : undefined,
    };
    this.dispatcher = new Dispatcher(this.setup.defaultName, (handle, id, error) => this.sendFailed(id, error));
    for (let i = 0; i < this.minThreads; i++) {
      try {
        this.startWorker();
      } catch (error) {
        // A worker Node refuses to start (an execArgv flag it rejects, …): no half-built pool is left running.
        for (const handle of this.workers.splice(0)) void handle.worker.terminate();
        throw error;
      }
    }
  }

  get threads(): number {
    return this.workers.length;
  }

  get concurrentTasksPerWorker(): number {
    return this.perWorker;
  }

  get limits(): { minThreads: number; maxThreads: number; concurrentTasksPerWorker: number } {
    return { minThreads: this.minThreads, maxThreads: this.maxThreads, concurrentTasksPerWorker: this.perWorker };
  }

  get runningCount(): number {
    return this.running;
  }

  /** Changes thread bounds and tasks per worker while running; new room is used at once, surplus threads retire when idle. */
  setConcurrency(limits: { minThreads?: number; maxThreads?: number; concurrentTasksPerWorker?: number }): void {
    checkKnownOptions(limits, LIMIT_OPTIONS);
    refreshContext();
    const maxThreads = checkInteger('maxThreads', limits.maxThreads ?? this.maxThreads, 1);
    const minThreads = checkInteger('minThreads', limits.minThreads ?? Math.min(this.minThreads, maxThreads), 0);
    if (minThreads > maxThreads) throw optionErrors.range('minThreads', minThreads, `must be ≤ maxThreads (${maxThreads})`);
    this.perWorker = checkInteger('concurrentTasksPerWorker', limits.concurrentTasksPerWorker ?? this.perWorker, 1);
    this.maxThreads = maxThreads;
    this.minThreads = minThreads;
    while (this.workers.length < this.minThreads && this.spawn()) {
      // starting the threads minThreads asks for
    }
    for (const handle of this.workers) if (handle.inFlight === 0) this.armIdle(handle);
    this.dispatch();
  }

  submit<T extends R = R>(arg: A, options?: ThreadTaskOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.run(arg, (error, result) => (error === undefined ? resolve(result as T) : reject(error)), options);
    });
  }

  /** Callback form: `callback(error, result, arg)` exactly once; no promise per task. */
  run<T extends R = R>(arg: A, callback: ThreadTaskCallback<A, T>, options?: ThreadTaskOptions): void {
    this.checkCallback(callback);
    if (options === undefined && !this.jobsOnly && !this.closing && this.queue.size < this.maxQueue) {
      this.counters.submitted++;
      // Its callback runs when the worker answers, in the port's context: the submitter's is kept when there is one.
      this.queue.push(captureContext(DEFAULT_NAME) ?? DEFAULT_NAME, arg, callback);
      this.dispatch();
      return;
    }
    const job = this.jobFor(arg, callback, options);
    this.counters.submitted++;
    this.submitJob(job);
  }

  /**
   * submit() that never waits for queue room: when the queue is full it rejects with QueueFullError, even on a
   * pool created with whenFull: 'wait'. Otherwise it behaves exactly as submit().
   */
  trySubmit<T extends R = R>(arg: A, options?: ThreadTaskOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const callback: AnyCallback = (error, result) => (error === undefined ? resolve(result as T) : reject(error));
      this.checkCallback(callback);
      const job = this.jobFor(arg, callback, options);
      this.counters.submitted++;
      this.submitJob(job, false);
    });
  }

  /** A group of tasks awaited together with all(); `{ failFast: true }` aborts the rest on the first failure. */
  group(options?: GroupOptions): ThreadTaskGroup<A, R> {
    return new ThreadTaskGroup(this, options, (fn) => this.deferPump(fn));
  }

  map<I extends A, T extends R>(items: Iterable<I>, options: { concurrency?: number; name?: string } = {}): AsyncGenerator<T> {
    checkKnownOptions(options, MAP_OPTIONS);
    const window = checkInteger('map concurrency', options.concurrency ?? this.maxThreads * this.perWorker, 1);
    const taskOptions = options.name ? { name: options.name } : undefined;
    return orderedMap(items, window, (item) => this.submit<T>(item, taskOptions));
  }

  /** Stops accepting, drains queued and running tasks, stops every thread, then resolves. */
  async close(): Promise<void> {
    refreshContext();
    this.closing = true;
    this.dispatch();
    await this.onIdle();
    await this.stopAll();
  }

  /** Rejects queued and running tasks with PoolDestroyedError and terminates every thread. */
  async destroy(): Promise<void> {
    const error = this.beginDestroy(isThreadJob);
    const table = this.table;
    for (let id = 0; id < table.size; id++) {
      if (table.state[id] === RUNNING) {
        const job = table.job[id];
        const arg = table.arg[id];
        const callback = table.callback[id]!;
        const context = table.context[id]!;
        this.freeId(id, true);
        if (job) this.settleJob(job, error);
        else this.settleWithin(context, arg, callback, error);
      } else if (table.state[id] !== FREE) {
        this.freeId(id, true);
      }
    }
    await this.stopAll();
    this.notifyIdle();
  }

  metrics(): PoolMetrics {
    const now = performance.now();
    let busy = this.retiredBusy;
    let lifetime = this.retiredLifetime;
    for (const h of this.workers) {
      busy += h.busyTime(now);
      lifetime += now - h.startedAt;
    }
    return { ...this.commonMetrics(this.running), utilization: lifetime > 0 ? busy / lifetime : 0 };
  }

  // ── workers ────────────────────────────────────────────────────────────────────────────────────────────

  /** Starts a worker; throws what `new Worker` throws. */
  private startWorker(): WorkerHandle {
    const handle = new WorkerHandle(this.setup, this.messageHandler, this.exitHandler);
    this.workers.push(handle);
    this.armIdle(handle);
    return handle;
  }

  /**
   * Starts a worker, or returns null when Node refuses to. With no worker left, nothing can run what waits: those
   * tasks then fail with the reason, on a microtask (not inside whatever loop was starting tasks).
   */
  private spawn(): WorkerHandle | null {
    try {
      return this.startWorker();
    } catch (error) {
      if (this.spawnFailure === null) {
        this.spawnFailure = { error };
        queueMicrotask(() => this.spawnFailed());
      }
      return null;
    }
  }

  private spawnFailed(): void {
    const { error } = this.spawnFailure!;
    this.spawnFailure = null;
    if (this.workers.length > 0 || this.destroyed) return;
    const crash = new WorkerCrashError(`cannot start a worker thread: ${describe(error)}`, { reason: 'spawn', cause: error });
    this.rejectWaiting(crash, isThreadJob);
    this.checkIdle();
  }

  /** An idle worker lets the process exit, and a surplus one (above minThreads) stops after idleTimeoutMs. */
  private armIdle(handle: WorkerHandle): void {
    handle.unref();
    if (handle.idleTimer || this.workers.length <= this.minThreads || this.closing) return;
    handle.armIdleTimer(this.idleTimeoutMs, this.idleHandler);
  }

  private stop(handle: WorkerHandle): Promise<number> {
    handle.stopping = true;
    this.retire(handle);
    return handle.worker.terminate();
  }

  private retire(handle: WorkerHandle): void {
    const at = this.workers.indexOf(handle);
    if (at === -1) return;
    this.workers.splice(at, 1);
    handle.clearIdleTimer();
    const now = performance.now();
    this.retiredBusy += handle.busyTime(now);
    this.retiredLifetime += now - handle.startedAt;
  }

  private async stopAll(): Promise<void> {
    await Promise.all([...this.workers].map((h) => this.stop(h)));
    for (const timer of this.recycleTimers.values()) clearTimeout(timer);
    this.recycleTimers.clear();
  }

  /** Why a worker ended, for the WorkerCrashError of each task it took with it. */
  private crashInfo(handle: WorkerHandle, exitCode: number): { detail: string; info: WorkerCrashInfo } {
    const code = handle.crashed ? errorCode(handle.crashError) : undefined;
    const reason =
      code ?? handle.stopReason ?? (handle.stopping ? 'terminated' : !handle.answered ? 'startup' : handle.crashed ? 'uncaught' : 'exit');
    const detail = handle.crashed
      ? describeWorkerError(handle.crashError)
      : handle.stopReason === 'recycled'
        ? 'recycled: a timed-out task kept it busy'
        : handle.stopping
          ? 'terminated'
          : `exited with code ${exitCode}`;
    return {
      detail,
      info: { exitCode, threadId: handle.threadId, reason, ...(handle.crashed ? { cause: handle.crashError } : {}) },
    };
  }

  private onExit(handle: WorkerHandle, code: number): void {
    this.retire(handle);
    // Every task still on this worker: running ones fail (or retry); settled ones just give back their id.
    const { detail, info } = this.crashInfo(handle, code);
    const table = this.table;
    for (let id = 0; id < table.size; id++) {
      if (table.worker[id] !== handle) continue;
      const state = table.state[id];
      if (state === RUNNING) {
        const job = table.job[id];
        const arg = table.arg[id];
        const callback = table.callback[id]!;
        const context = table.context[id]!;
        this.freeId(id, true);
        const error = new WorkerCrashError(detail, info);
        if (job) this.fail(job, error, false);
        else this.settleWithin(context, arg, callback, error);
      } else if (state !== FREE) {
        this.freeId(id, true);
      }
    }
    if (!handle.answered && !handle.stopping) this.startupFailures++;
    if (this.startupFailures >= STARTUP_FAILURES_TO_GIVE_UP) {
      // Workers die before loading the task module (it fails to load, or kills them): fail what waits rather than
      // start workers forever.
      const failures = this.startupFailures;
      this.startupFailures = 0;
      this.rejectWaiting(
        new WorkerCrashError(`${failures} workers in a row died before loading the task module; last: ${detail}`, { ...info, reason: 'startup' }),
        isThreadJob,
      );
    } else if (!this.destroyed) {
      // Queued work needs a worker even while closing (close() waits for it); minThreads counts only while open.
      if (!this.closing) {
        while (this.workers.length < this.minThreads && this.spawn()) {
          // starting the threads minThreads asks for
        }
      }
      this.dispatch();
    }
    this.checkIdle();
  }

  /** A worker that cannot even answer a cancel is stuck in CPU-bound work: replace it. */
  private recycle(id: number): void {
    this.recycleTimers.delete(id);
    const handle = this.table.worker[id];
    if (this.table.state[id] !== ZOMBIE || !handle) return;
    if (!handle.answered) {
      // Still loading its task module: it will answer once it runs. Killing it would fail its other tasks for nothing.
      this.recycleTimers.set(id, setTimeout(() => this.recycle(id), this.recycleAfterMs));
      return;
    }
    handle.stopReason = 'recycled';
    handle.stopping = true;
    void handle.worker.terminate();
  }

  // ── scheduling ─────────────────────────────────────────────────────────────────────────────────────────

  /** Returns a task's capacity (and, unless waiting for an ack, its id). */
  private freeId(id: number, releaseId: boolean): void {
    const table = this.table;
    const handle = table.worker[id];
    const state = table.state[id];
    if (handle && (state === RUNNING || state === ZOMBIE)) {
      handle.inFlight--;
      if (state === RUNNING) this.running--;
      if (handle.inFlight === 0) {
        handle.markIdle(performance.now());
        // Decided after the next dispatch: a worker that gets a new task at once was never idle.
        this.maybeIdle.push(handle);
      }
    }
    const timer = this.recycleTimers.get(id);
    if (timer) {
      clearTimeout(timer);
      this.recycleTimers.delete(id);
    }
    table.clear(id, releaseId);
  }

  /** The least-loaded worker with room, starting a new one under pressure if allowed. */
  private pickWorker(): WorkerHandle | null {
    let best: WorkerHandle | null = null;
    for (const h of this.workers) {
      if (h.inFlight < this.perWorker && !h.stopping && (best === null || h.inFlight < best.inFlight)) best = h;
    }
    if (best === null && this.workers.length < this.maxThreads && !this.destroyed) best = this.spawn();
    return best;
  }

  protected pump(): void {
    this.dispatch();
  }

  private dispatch(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    const out = this.out;
    const now = this.aging ? performance.now() : 0;
    do {
      while (this.queue.size > 0 && this.admits()) {
        const handle = this.pickWorker();
        if (!handle) break;
        this.queue.shift(out, now);
        const { a, b, c } = out;
        out.a = out.b = out.c = undefined;
        if (typeof a === 'string') this.assign(handle, b, c as AnyCallback, null, this.setup.defaultName, null, null);
        else if (isThreadJob(a)) this.assignJob(a, handle);
        else this.assign(handle, b, c as AnyCallback, null, this.setup.defaultName, null, a as SubmitContext);
      }
    } while (this.hasHeld() && this.moveHeld());
    this.wakeRoomWaiters();
    this.dispatching = false;
    if (this.maybeIdle.length > 0) {
      for (const handle of this.maybeIdle) if (handle.inFlight === 0 && this.workers.includes(handle)) this.armIdle(handle);
      this.maybeIdle.length = 0;
    }
    this.checkIdle();
  }

  /** Sends a task to `handle`; returns its task id, or -1 when it could not be sent (it then fails on its own). */
  private assign(
    handle: WorkerHandle,
    arg: unknown,
    callback: AnyCallback,
    job: ThreadJob | null,
    name: string,
    transfer: readonly TransferListItem[] | null,
    context: SubmitContext | null,
  ): number {
    const id = this.table.occupy(arg, callback, job, context, handle);
    const wasIdle = handle.inFlight++ === 0;
    if (wasIdle) handle.markBusy();
    this.running++;
    const failed = this.dispatcher.send(handle, id, arg, name, transfer, wasIdle);
    if (failed === null) return id;
    this.sendFailed(id, failed.error);
    return -1;
  }

  /**
   * Task `id` never reached its worker: its argument (or transfer list) could not be cloned. Its capacity comes
   * back now; the task fails alone, on a microtask (never inside the caller's run()), and is not retried.
   */
  private sendFailed(id: number, cause: unknown): void {
    const table = this.table;
    if (table.state[id] !== RUNNING) return; // aborted meanwhile: settled already, and its cancel's ack frees the id
    const job = table.job[id];
    const arg = table.arg[id];
    const callback = table.callback[id]!;
    const context = table.context[id]!;
    this.freeId(id, true);
    const error = taskErrors.argumentNotCloneable(cause);
    if (job) {
      job.taskId = -1;
      if (job.timer) {
        clearTimeout(job.timer);
        job.timer = null;
      }
    }
    queueMicrotask(() => {
      if (job) this.settleJob(job, error);
      else this.settleWithin(context, arg, callback, error);
      this.dispatch();
    });
  }

  private assignJob(job: ThreadJob, handle: WorkerHandle): void {
    job.state = J_RUNNING;
    this.breaker?.started(job);
    if (this.trackLatency) {
      job.startedAt = performance.now();
      this.waitLatency!.record(job.startedAt - job.submittedAt);
    }
    job.taskId = this.assign(handle, job.arg, job.callback, job, job.name, job.transferList, null);
    if (job.taskId !== -1 && hasTimeout(job.timeoutMs)) job.timer = setTimeout(this.timeoutHandler, job.timeoutMs, job);
  }

  // ── results ────────────────────────────────────────────────────────────────────────────────────────────

  private onMessage(handle: WorkerHandle, message: unknown): void {
    if (!handle.answered) {
      handle.answered = true;
      this.startupFailures = 0;
    }
    if (Array.isArray(message)) {
      for (let i = 0; i < message.length; i += 3) this.complete(message[i] as number, message[i + 1] === 1, message[i + 2]);
    } else {
      const ack = (message as { ack?: number }).ack;
      if (ack !== undefined && this.table.worker[ack] === handle) this.freeId(ack, true);
    }
    this.dispatch();
  }

  private complete(id: number, ok: boolean, value: unknown): void {
    const table = this.table;
    const state = table.state[id];
    if (state === ZOMBIE) {
      // Settled earlier (timeout or abort); the ack that follows releases the id.
      this.freeId(id, false);
      return;
    }
    if (state !== RUNNING) return;
    const job = table.job[id];
    const arg = table.arg[id];
    const callback = table.callback[id]!;
    const context = table.context[id]!;
    this.freeId(id, true);
    if (job) {
      if (job.timer) {
        clearTimeout(job.timer);
        job.timer = null;
      }
      if (this.trackLatency) this.runLatency!.record(performance.now() - job.startedAt);
      if (ok) this.settleJob(job, undefined, value);
      else this.fail(job, deserializeError(value), false);
    } else if (ok) {
      this.settleWithin(context, arg, callback, undefined, value);
    } else {
      this.settleWithin(context, arg, callback, deserializeError(value));
    }
  }

  /** Settles a running job early (timeout, abort): its worker is told to cancel it, and its capacity stays taken until it answers. */
  private detach(job: ThreadJob, recycleIfSilent: boolean): void {
    const id = job.taskId;
    if (id === -1 || this.table.state[id] !== RUNNING) return; // never reached its worker (see sendFailed)
    const handle = this.table.worker[id]!;
    this.table.state[id] = ZOMBIE;
    this.running--;
    this.dispatcher.cancel(handle, id);
    if (recycleIfSilent && this.recycleAfterMs !== Infinity) {
      const timer = setTimeout(() => this.recycle(id), this.recycleAfterMs);
      this.recycleTimers.set(id, timer);
    }
  }

  private expire(job: ThreadJob): void {
    job.timer = null;
    if (job.state !== J_RUNNING || job.taskId === -1 || this.table.state[job.taskId] !== RUNNING) return;
    this.counters.timedOut++;
    this.detach(job, true);
    this.fail(job, new TimeoutError(job.timeoutMs), true);
    this.dispatch();
  }

  // ── jobs ───────────────────────────────────────────────────────────────────────────────────────────────

  protected canStartNow(): boolean {
    return this.queue.size === 0 && this.running < this.maxThreads * this.perWorker && this.admits();
  }

  /** Checks the callback (the caller counts the task as submitted once its options passed too). */
  private checkCallback(callback: unknown): void {
    if (typeof callback !== 'function') throw new TypeError(`callback must be a function; got ${typeof callback}`);
  }

  private jobFor(arg: unknown, callback: AnyCallback, options: ThreadTaskOptions | undefined): ThreadJob {
    const settings = this.settingsFor(options);
    const name = options?.name ?? this.setup.defaultName;
    if (typeof name !== 'string' || name === '') throw optionErrors.oneOf('name', name, 'the name of an export of the task module (a non-empty string)');
    const transferList = options?.transferList ?? null;
    if (transferList !== null && !Array.isArray(transferList)) throw optionErrors.oneOf('transferList', transferList, 'an array of transferable objects');
    return new ThreadJob(name, arg, callback, settings, transferList);
  }

  protected startJob(job: ThreadJob): void {
    const handle = this.pickWorker();
    if (handle) this.assignJob(job, handle);
    else this.enqueue(job); // capacity still held by cancelled tasks awaiting their worker's answer
  }

  protected detachRunning(job: ThreadJob): void {
    this.detach(job, false);
  }
}

/** A task group on the thread engine: members are submitted as with the pool's submit() and awaited with all(). */
export class ThreadTaskGroup<A = unknown, R = unknown> extends TaskGroup<R, ThreadTaskOptions> {
  constructor(
    private readonly pool: ThreadPool<A, R>,
    options: GroupOptions | undefined,
    deferPump: (fn: () => void) => void,
  ) {
    super(options, deferPump);
  }

  submit<T extends R = R>(arg: A, options?: ThreadTaskOptions): Promise<T> {
    return this.add<T>(options, (memberOptions, callback) => this.pool.run(arg, callback, memberOptions));
  }
}
