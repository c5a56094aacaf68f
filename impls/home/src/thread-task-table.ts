// The thread engine's task table: what runs where, per task id. Ids are recycled, and a task's bookkeeping lives in
// parallel arrays indexed by its id, not in an object per task.
import type { TransferListItem } from 'node:worker_threads';
import type { SubmitContext } from './context.js';
import { CoreJob, type AnyCallback, type JobSettings } from './pool-core.js';
import type { WorkerHandle } from './thread-worker-handle.js';

// Task-id states.
export const FREE = 0;
export const RUNNING = 1;
/** Settled (timed out or aborted) while still running in its worker: holds capacity until the worker answers. */
export const ZOMBIE = 2;
/** Capacity returned, but the id stays reserved until the worker's cancel ack, which follows any result. */
export const AWAIT_ACK = 3;

/** A task that carries options, with the export it runs and the task id it runs under. */
export class ThreadJob extends CoreJob {
  taskId = -1;
  startedAt = 0;
  constructor(
    readonly name: string,
    arg: unknown,
    callback: AnyCallback,
    settings: JobSettings,
    readonly transferList: readonly TransferListItem[] | null,
  ) {
    super(arg, callback, settings);
  }
}

export function isThreadJob(value: unknown): value is ThreadJob {
  return value instanceof ThreadJob;
}

export class TaskTable {
  readonly arg: unknown[] = [];
  readonly callback: (AnyCallback | null)[] = [];
  /** The job, for tasks that carry options; null for plain tasks. */
  readonly job: (ThreadJob | null)[] = [];
  /** A plain task's submitter context (jobs keep theirs); null when none was captured. */
  readonly context: (SubmitContext | null)[] = [];
  readonly worker: (WorkerHandle | null)[] = [];
  readonly state: number[] = [];
  private readonly freeIds: number[] = [];

  /** Ids handed out so far, free or not: the range to scan for a worker's tasks. */
  get size(): number {
    return this.state.length;
  }

  /** Records a task running on `handle` under a free id (a recycled one when there is one) and returns the id. */
  occupy(arg: unknown, callback: AnyCallback, job: ThreadJob | null, context: SubmitContext | null, handle: WorkerHandle): number {
    const id = this.allocate();
    this.state[id] = RUNNING;
    this.arg[id] = arg;
    this.callback[id] = callback;
    this.job[id] = job;
    this.context[id] = context;
    this.worker[id] = handle;
    return id;
  }

  /** Forgets a task's arg, callback, job and context; its id is released, or reserved (AWAIT_ACK) until the worker's ack. */
  clear(id: number, releaseId: boolean): void {
    this.arg[id] = undefined;
    this.callback[id] = null;
    this.job[id] = null;
    this.context[id] = null;
    if (releaseId) {
      this.state[id] = FREE;
      this.worker[id] = null;
      this.freeIds.push(id);
    } else {
      this.state[id] = AWAIT_ACK;
    }
  }

  private allocate(): number {
    const id = this.freeIds.pop();
    if (id !== undefined) return id;
    this.state.push(FREE);
    this.arg.push(undefined);
    this.callback.push(null);
    this.job.push(null);
    this.context.push(null);
    this.worker.push(null);
    return this.state.length - 1;
  }
}
