// Sending tasks to workers: the pool's side of the protocol in thread-worker.ts. Message passing, not tasks, is what
// costs here, so tasks bound for one worker within one tick go out in ONE postMessage ([id, arg, id, arg, …]); the
// first task of an idle worker goes at once, since the worker waits for it.
// An argument postMessage cannot clone (a function, a symbol…) fails that task alone: a batch that will not go is
// sent again task by task, and the ones that still fail are handed to `onSendFailed`.
import type { TransferListItem } from 'node:worker_threads';
import type { WorkerHandle } from './thread-worker-handle.js';

/** Marks a plain task (one without options) in the queue: it runs the pool's default export. */
export const DEFAULT_NAME = 'default';

export class Dispatcher {
  private flushScheduled = false;
  private readonly toFlush: WorkerHandle[] = [];
  private readonly flushBound = (): void => this.flush();

  /**
   * `defaultName`: the export plain tasks run (the worker knows it, so they go without a name).
   * `onSendFailed`: task `id` never reached its worker; `error` says why (postMessage's DataCloneError).
   */
  constructor(
    private readonly defaultName: string,
    private readonly onSendFailed: (handle: WorkerHandle, id: number, error: unknown) => void,
  ) {}

  /**
   * Sends task `id` to its worker; `wasIdle`: the worker had no task before this one. Returns null, or, when a task
   * sent at once could not be sent, `{ error }` (the caller fails it). A batched task that cannot be sent later goes
   * to `onSendFailed`.
   */
  send(
    handle: WorkerHandle,
    id: number,
    arg: unknown,
    name: string,
    transfer: readonly TransferListItem[] | null,
    wasIdle: boolean,
  ): { error: unknown } | null {
    try {
      if (name !== this.defaultName || transfer !== null) {
        handle.worker.postMessage({ task: [id, name, arg] }, transfer ?? undefined);
      } else if (wasIdle && handle.outbox.length === 0) {
        // An idle worker waits for this task: send it now rather than at the end of the tick.
        handle.worker.postMessage([id, arg]);
      } else {
        if (handle.outbox.length === 0) this.toFlush.push(handle);
        handle.outbox.push(id, arg);
        if (!this.flushScheduled) {
          this.flushScheduled = true;
          queueMicrotask(this.flushBound);
        }
      }
      return null;
    } catch (error) {
      return { error };
    }
  }

  /** Aborts task `id`'s signal in its worker, which answers { ack: id } after any result of that task. */
  cancel(handle: WorkerHandle, id: number): void {
    // The task may still wait in the outbox: it must reach the worker before its cancel, or the ack would free an id
    // the worker is about to run a task under.
    this.flushOne(handle);
    handle.worker.postMessage({ cancel: id });
  }

  /** One postMessage per worker per tick, carrying every task assigned to it in that tick. */
  private flush(): void {
    this.flushScheduled = false;
    for (const handle of this.toFlush.splice(0)) this.flushOne(handle);
  }

  private flushOne(handle: WorkerHandle): void {
    const batch = handle.outbox;
    if (batch.length === 0) return;
    handle.outbox = [];
    try {
      handle.worker.postMessage(batch);
    } catch {
      // Some argument cannot be cloned: send the tasks one by one (order kept), failing only those that cannot go.
      for (let i = 0; i < batch.length; i += 2) {
        try {
          handle.worker.postMessage([batch[i], batch[i + 1]]);
        } catch (error) {
          this.onSendFailed(handle, batch[i] as number, error);
        }
      }
    }
  }
}

/** A failed task's error, as the worker serialized it. */
export function deserializeError(value: unknown): Error {
  const v = (value ?? {}) as { name?: string; message?: string; stack?: string };
  const error = new Error(v.message ?? 'task failed in its worker');
  error.name = v.name ?? 'Error';
  if (v.stack) error.stack = v.stack;
  return error;
}
