// The thread engine's worker runtime. It loads the user's task module, runs the tasks it is sent, and posts
// results back in batches: the synchronous completions of one incoming batch go out together at once, and the
// asynchronous completions of one event-loop turn together (setImmediate).
//
// Messages in:  { init: filename }          first, always
//               [taskId, arg, taskId, arg…]  tasks for the module's default export
//               { task: [taskId, name, arg] } one task for a named export (or with a transfer list)
//               { cancel: taskId }           abort that task's signal; answered with { ack: taskId }
// Messages out: [taskId, ok, value, …]       ok = 1 (value = result) or 0 (value = serialized error)
//               { ack: taskId }             sent after any result of that task, so results arrive first
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

type TaskFunction = (arg: unknown, context?: { signal: AbortSignal; attempt: number }) => unknown;

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

const port = parentPort!;
let functions: Record<string, TaskFunction> | null = null;
const backlog: unknown[] = [];
let outbox: unknown[] = [];
let flushScheduled = false;
/** True from an incoming batch until the microtask after its synchronous completions. */
let batchOpen = false;
/** Abort controllers of running tasks that declared a context parameter, by run token. */
const controllers = new Map<number, AbortController>();
/** Pool task id → run token of the task running under it. The pool reuses ids once a cancel is acked, so a
 *  cancelled run is tracked by its token: its late outcome must never be taken for a newer task's. */
const active = new Map<number, number>();
/** Run tokens of cancelled tasks still running: their outcome is dropped, the pool has settled them already. */
const cancelled = new Set<number>();
let nextToken = 0;

function serialize(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: 'Error', message: String(error) };
}

function flush(): void {
  flushScheduled = false;
  if (outbox.length === 0) return;
  const batch = outbox;
  outbox = [];
  port.postMessage(batch);
}

function closeBatch(): void {
  batchOpen = false;
  flush();
}

function report(taskId: number, token: number, ok: 0 | 1, value: unknown): void {
  controllers.delete(token);
  if (cancelled.delete(token)) return;
  active.delete(taskId);
  outbox.push(taskId, ok, ok ? value : serialize(value));
  // Inside a batch the closing microtask flushes; only completions from later turns need the setImmediate.
  if (!flushScheduled && !batchOpen) {
    flushScheduled = true;
    setImmediate(flush);
  }
}

function runTask(taskId: number, name: string, arg: unknown): void {
  const token = nextToken++;
  active.set(taskId, token);
  const fn = functions![name];
  if (typeof fn !== 'function') {
    report(taskId, token, 0, new TypeError(`the task module exports no function named "${name}"`));
    return;
  }
  let value: unknown;
  try {
    if (fn.length >= 2) {
      const controller = new AbortController();
      controllers.set(token, controller);
      value = fn(arg, { signal: controller.signal, attempt: 1 });
    } else {
      value = fn(arg);
    }
  } catch (error) {
    report(taskId, token, 0, error);
    return;
  }
  if (value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function') {
    (value as PromiseLike<unknown>).then(
      (result) => report(taskId, token, 1, result),
      (error: unknown) => report(taskId, token, 0, error),
    );
  } else {
    report(taskId, token, 1, value);
  }
}

function handle(message: unknown): void {
  if (Array.isArray(message)) {
    batchOpen = true;
    for (let i = 0; i < message.length; i += 2) runTask(message[i] as number, 'default', message[i + 1]);
    // Tasks that finished synchronously have queued their reports as microtasks already; this one runs after
    // them, so their results leave now instead of a loop turn later (it matters when a worker holds one task).
    queueMicrotask(closeBatch);
    return;
  }
  const m = message as { task?: [number, string, unknown]; cancel?: number };
  if (m.task) {
    runTask(m.task[0], m.task[1], m.task[2]);
  } else if (m.cancel !== undefined) {
    // A task that already reported has its result ahead of this ack in the port: nothing to drop.
    const token = active.get(m.cancel);
    if (token !== undefined) {
      active.delete(m.cancel);
      cancelled.add(token);
      controllers.get(token)?.abort(new Error('task cancelled by the pool'));
    }
    if (outbox.length > 0) flush();
    port.postMessage({ ack: m.cancel });
  }
}

port.on('message', (message: unknown) => {
  if (functions) return handle(message);
  const init = (message as { init?: string }).init;
  if (init === undefined) {
    backlog.push(message);
    return;
  }
  import(pathToFileURL(init).href).then(
    (module: Record<string, unknown>) => {
      functions = {};
      for (const [key, value] of Object.entries(module)) if (typeof value === 'function') functions[key] = value as TaskFunction;
      for (const queued of backlog.splice(0)) handle(queued);
    },
    (error: unknown) => {
      // Without its module the worker is useless: crash, so the pool rejects its tasks with WorkerCrashError.
      throw new Error(`cannot load task module ${init}: ${(error as Error).message}`);
    },
  );
});
