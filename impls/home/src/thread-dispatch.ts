// Sending tasks to workers: the pool's side of the protocol in thread-worker.ts. Message passing, not tasks, is what
// costs here, so tasks bound for one worker within one tick go out in ONE postMessage ([id, arg, id, arg, …]); the
// first task of an idle worker goes at once, since the worker waits for it.
import type { TransferListItem } from 'node:worker_threads';
import type { WorkerHandle } from './thread-worker-handle.js';

/** The export a task runs when it names none. */
export const DEFAULT_NAME = 'default';

export class Dispatcher {
  private flushScheduled = false;
  private readonly toFlush: WorkerHandle[] = [];
  private readonly flushBound = (): void => this.flush();

  /** Sends task `id` to its worker; `wasIdle`: the worker had no task before this one. */
  send(handle: WorkerHandle, id: number, arg: unknown, name: string, transfer: readonly TransferListItem[] | null, wasIdle: boolean): void {
    if (wasIdle && handle.outbox.length === 0 && name === DEFAULT_NAME && transfer === null) {
      // An idle worker waits for this task: send it now rather than at the end of the tick.
      handle.worker.postMessage([id, arg]);
    } else if (name === DEFAULT_NAME && transfer === null) {
      if (handle.outbox.length === 0) this.toFlush.push(handle);
      handle.outbox.push(id, arg);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        queueMicrotask(this.flushBound);
      }
    } else {
      handle.worker.postMessage({ task: [id, name, arg] }, transfer ?? undefined);
    }
  }

  /** Aborts task `id`'s signal in its worker, which answers { ack: id } after any result of that task. */
  cancel(handle: WorkerHandle, id: number): void {
    handle.worker.postMessage({ cancel: id });
  }

  /** One postMessage per worker per tick, carrying every task assigned to it in that tick. */
  private flush(): void {
    this.flushScheduled = false;
    for (const handle of this.toFlush) {
      const batch = handle.outbox;
      handle.outbox = [];
      if (batch.length > 0) handle.worker.postMessage(batch);
    }
    this.toFlush.length = 0;
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
