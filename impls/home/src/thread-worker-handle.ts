// One worker thread of the thread engine, and its lifecycle: started on the task module, referenced only while it
// has tasks (an idle pool must not keep the process alive), an idle countdown, and the busy time behind utilization.
// Which workers exist, and when one starts or stops, is the pool's decision (thread-pool.ts).
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** The worker runtime, compiled beside this file: the package always runs from its dist/. */
const RUNTIME_FILE = new URL('./thread-worker.js', import.meta.url);

/** What every worker of a pool starts with (passed through to `new Worker`, the module and export to run). */
export interface WorkerSetup {
  filename: string;
  /** The export plain tasks run. */
  defaultName: string;
  workerData: unknown;
  resourceLimits: ResourceLimits | undefined;
  env: NodeJS.Dict<string> | symbol | undefined;
  execArgv: string[] | undefined;
  argv: unknown[] | undefined;
}

export class WorkerHandle {
  readonly worker: Worker;
  /** Read at start: a worker that has exited reports threadId -1. */
  readonly threadId: number;
  /** Tasks sent to this worker and not yet answered, cancelled ones included until their ack. */
  inFlight = 0;
  /** Tasks assigned in this tick, waiting for the dispatcher's one postMessage: [id, arg, id, arg, …]. */
  outbox: unknown[] = [];
  stopping = false;
  /** Why the pool stopped it, when it did on purpose ('recycled'); null otherwise. */
  stopReason: string | null = null;
  /** The error the thread died of, if it raised one ('error' event). */
  crashError: unknown = undefined;
  crashed = false;
  idleTimer: NodeJS.Timeout | null = null;
  readonly startedAt: number;
  busySince = 0;
  busyTotal = 0;
  referenced = true;
  /** Set on its first message: its task module loaded ({ ready }). A worker that dies before it is a startup failure. */
  answered = false;

  /**
   * Starts a thread that loads the task module; `onMessage` gets its results, `onExit` its end. Throws what
   * `new Worker` throws (an execArgv flag Node refuses, too many threads…): the pool decides what that means.
   */
  constructor(
    setup: WorkerSetup,
    onMessage: (handle: WorkerHandle, message: unknown) => void,
    onExit: (handle: WorkerHandle, code: number) => void,
  ) {
    const worker = new Worker(RUNTIME_FILE, {
      workerData: setup.workerData,
      ...(setup.resourceLimits ? { resourceLimits: setup.resourceLimits } : {}),
      ...(setup.env !== undefined ? { env: setup.env as NodeJS.Dict<string> } : {}),
      ...(setup.execArgv ? { execArgv: setup.execArgv } : {}),
      ...(setup.argv ? { argv: setup.argv } : {}),
    });
    this.worker = worker;
    this.threadId = worker.threadId;
    this.startedAt = performance.now();
    worker.postMessage({ init: setup.filename, name: setup.defaultName });
    worker.on('message', (message: unknown) => onMessage(this, message));
    worker.on('error', (error: unknown) => {
      if (!this.crashed) {
        this.crashed = true;
        this.crashError = error;
      }
    });
    worker.once('exit', (code) => onExit(this, code));
  }

  /** Nothing to do: the worker stops holding the process open. */
  unref(): void {
    if (this.referenced) {
      this.worker.unref();
      this.referenced = false;
    }
  }

  /** Calls `onIdle` after `ms` unless a task arrives first (markBusy cancels it). Infinity: never. */
  armIdleTimer(ms: number, onIdle: (handle: WorkerHandle) => void): void {
    if (ms === Infinity) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      onIdle(this);
    }, ms);
    this.idleTimer.unref();
  }

  clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  /** Its first task arrives: no idle countdown, the process stays alive for it, and its busy clock starts. */
  markBusy(): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    if (!this.referenced) {
      this.worker.ref();
      this.referenced = true;
    }
    this.busySince = performance.now();
  }

  /** Its last task has left: the busy stretch counts. */
  markIdle(now: number): void {
    this.busyTotal += now - this.busySince;
  }

  /** Time spent running tasks since it started, up to `now`. */
  busyTime(now: number): number {
    return this.busyTotal + (this.inFlight > 0 ? now - this.busySince : 0);
  }
}
