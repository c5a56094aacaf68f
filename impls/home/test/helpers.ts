// Helpers for the home pool's tests. They stay inside the package: its tests import nothing from the repository
// around it.
import { fileURLToPath } from 'node:url';

/** The package's folder (impls/home/). */
export const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** The thread tests' task module (plain JavaScript, loaded by workers as it is). */
export const threadTasks = fileURLToPath(new URL('./fixtures/thread-tasks.mjs', import.meta.url));

/**
 * Records every timer created while active; `live()` counts those neither fired nor cleared
 * (Node marks both with `_destroyed`). Precise where counting process-wide handles is not.
 */
export function trackTimers(): { live: () => number; created: () => number; stop: () => void } {
  const created: NodeJS.Timeout[] = [];
  const original = globalThis.setTimeout;
  const wrapped = ((...args: Parameters<typeof setTimeout>) => {
    const timer = original(...args);
    created.push(timer);
    return timer;
  }) as typeof setTimeout;
  globalThis.setTimeout = wrapped;
  return {
    live: () => created.filter((t) => !(t as unknown as { _destroyed: boolean })._destroyed).length,
    created: () => created.length,
    stop: () => {
      globalThis.setTimeout = original;
    },
  };
}

/** A task whose completion the test controls. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void; fail: (error: unknown) => void } {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

/**
 * Counts worker threads started while active and not yet exited, from worker_threads' own 'exit' events. The pool
 * posts each new Worker its init message first thing, so a wrapped postMessage sees every worker the pool starts.
 */
export async function trackWorkers(): Promise<{ live: () => number; started: () => number; stop: () => void }> {
  const { Worker } = await import('node:worker_threads');
  const original = Worker.prototype.postMessage;
  const seen = new WeakSet<object>();
  let started = 0;
  let exited = 0;
  Worker.prototype.postMessage = function (this: InstanceType<typeof Worker>, ...args: Parameters<typeof original>) {
    if (!seen.has(this)) {
      seen.add(this);
      started++;
      this.once('exit', () => exited++);
    }
    return original.apply(this, args);
  };
  return {
    live: () => started - exited,
    started: () => started,
    stop: () => {
      Worker.prototype.postMessage = original;
    },
  };
}
