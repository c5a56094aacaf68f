// One worker thread of the thread engine, and its lifecycle: started on the task module, referenced only while it
// has tasks (an idle pool must not keep the process alive), an idle countdown, and the busy time behind utilization.
// Which workers exist, and when one starts or stops, is the pool's decision (thread-pool.ts).
import { Worker } from 'node:worker_threads';

/** The worker runtime, compiled beside this file: the package always runs from its dist/. */
const RUNTIME_FILE = new URL('./thread-worker.js', import.meta.url);

export class WorkerHandle {
  readonly worker: Worker;
  /** Tasks sent to this worker and not yet answered, cancelled ones included until their ack. */
  inFlight = 0;
  /** Tasks assigned in this tick, waiting for the dispatcher's one postMessage: [id, arg, id, arg, …]. */
  outbox: unknown[] = [];
  stopping = false;
  crashDetail: string | null = null;
  idleTimer: NodeJS.Timeout | null = null;
  readonly startedAt: number;
  busySince = 0;
  busyTotal = 0;
  referenced = true;
  /** Set on its first message: a worker that dies before it is a startup failure. */
  answered = false;

  /** Starts a thread that loads the task module `filename`; `onMessage` gets its results, `onExit` its end. */
  constructor(
    filename: string,
    workerData: unknown,
    onMessage: (handle: WorkerHandle, message: unknown) => void,
    onExit: (handle: WorkerHandle, code: number) => void,
  ) {
    const worker = new Worker(RUNTIME_FILE, { workerData });
    this.worker = worker;
    this.startedAt = performance.now();
    worker.postMessage({ init: filename });
    worker.on('message', (message: unknown) => onMessage(this, message));
    worker.on('error', (error: Error) => {
      this.crashDetail ??= `${error.name}: ${error.message}`;
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

  /** Calls `onIdle` after `ms` unless a task arrives first (markBusy cancels it). */
  armIdleTimer(ms: number, onIdle: (handle: WorkerHandle) => void): void {
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
