// The thread engine's worker runtime. It loads the user's task module, runs the tasks it is sent, and posts
// results back in batches: the synchronous completions of one incoming batch go out together at once, and the
// asynchronous completions of one event-loop turn together (setImmediate).
//
// Messages in:  { init: filename, name }    first, always (name: the export that plain tasks run)
//               [taskId, arg, taskId, arg…]  tasks for that default export
//               { task: [taskId, name, arg] } one task for a named export (or with a transfer list)
//               { cancel: taskId }           abort that task's signal; answered with { ack: taskId }
// Messages out: { ready: true }              the task module loaded: a death after this is not a startup failure
//               [taskId, ok, value, …]       ok = 1 (value = result) or 0 (value = serialized error)
//               { ack: taskId }             sent after any result of that task, so results arrive first
//
// Whatever a task does, only that task may fail: it reports exactly once (a thenable that calls back twice is heard
// once), its error is serialized without running code that can throw, and a result the port cannot clone fails that
// task alone instead of the whole batch (and with it the worker).
import { parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { describe, taskErrors } from './errors.js';

type TaskFunction = (arg: unknown, context?: { signal: AbortSignal; attempt: number }) => unknown;

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

const port = parentPort!;
let functions: Record<string, TaskFunction> | null = null;
let defaultName = 'default';
const backlog: unknown[] = [];
let outbox: unknown[] = [];
let flushScheduled = false;
/** True from an incoming batch until the microtask after its synchronous completions. */
let batchOpen = false;
/** Abort controllers of running tasks that declared a context parameter, by run token. */
const controllers = new Map<number, AbortController>();
/**
 * Pool task id → run token of the task running under it. A task reports only while its token is the one here: a
 * cancelled task (the pool reuses its id once the cancel is acked) and a task that reported already are not heard.
 */
const active = new Map<number, number>();
let nextToken = 0;

/** Reads a property of a hostile value (a getter may throw): `fallback(error)` stands in for it then. */
function readText(read: () => unknown, fallback: (error: unknown) => string): string {
  try {
    const value = read();
    return typeof value === 'string' ? value : describe(value);
  } catch (error) {
    return fallback(error);
  }
}

/** Never throws, and yields only strings: the result always reaches the pool. */
function serialize(error: unknown): SerializedError {
  let isError = false;
  try {
    isError = error instanceof Error;
  } catch {
    // A Proxy whose getPrototypeOf throws: described as a value below.
  }
  if (!isError) return { name: 'Error', message: typeof error === 'string' ? error : describe(error) };
  const e = error as Error;
  const name = readText(() => e.name, () => 'Error');
  const message = readText(() => e.message, (inner) => `(the error's message could not be read: ${describe(inner)})`);
  const stack = readText(() => e.stack, () => '');
  return stack ? { name, message, stack } : { name, message };
}

function flush(): void {
  flushScheduled = false;
  if (outbox.length === 0) return;
  const batch = outbox;
  outbox = [];
  try {
    port.postMessage(batch);
  } catch {
    // One result cannot be cloned (a function, a symbol…): send them one by one, failing only the ones that cannot go.
    for (let i = 0; i < batch.length; i += 3) {
      try {
        port.postMessage([batch[i], batch[i + 1], batch[i + 2]]);
      } catch (error) {
        port.postMessage([batch[i], 0, serialize(taskErrors.resultNotCloneable(error))]);
      }
    }
  }
}

function closeBatch(): void {
  batchOpen = false;
  flush();
}

function report(taskId: number, token: number, ok: 0 | 1, value: unknown): void {
  controllers.delete(token);
  if (active.get(taskId) !== token) return; // cancelled, or reported already
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
  let then: unknown;
  try {
    if (fn.length >= 2) {
      const controller = new AbortController();
      controllers.set(token, controller);
      value = fn(arg, { signal: controller.signal, attempt: 1 });
    } else {
      value = fn(arg);
    }
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return report(taskId, token, 1, value);
    then = (value as { then?: unknown }).then; // a getter that throws rejects the task, as awaiting it would
  } catch (error) {
    return report(taskId, token, 0, error);
  }
  if (typeof then !== 'function') return report(taskId, token, 1, value);
  try {
    then.call(
      value,
      (result: unknown) => report(taskId, token, 1, result),
      (error: unknown) => report(taskId, token, 0, error),
    );
  } catch (error) {
    report(taskId, token, 0, error);
  }
}

function handle(message: unknown): void {
  if (Array.isArray(message)) {
    batchOpen = true;
    for (let i = 0; i < message.length; i += 2) runTask(message[i] as number, defaultName, message[i + 1]);
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
      controllers.get(token)?.abort(new Error('task cancelled by the pool'));
      controllers.delete(token);
    }
    if (outbox.length > 0) flush();
    port.postMessage({ ack: m.cancel });
  }
}

port.on('message', (message: unknown) => {
  if (functions) return handle(message);
  const init = (message as { init?: string; name?: string }).init;
  if (init === undefined) {
    backlog.push(message);
    return;
  }
  defaultName = (message as { name?: string }).name ?? 'default';
  import(pathToFileURL(init).href).then(
    (module: Record<string, unknown>) => {
      // No prototype: a task naming "toString" must not run Object.prototype.toString.
      const loaded: Record<string, TaskFunction> = Object.create(null);
      for (const [key, value] of Object.entries(module)) if (typeof value === 'function') loaded[key] = value as TaskFunction;
      functions = loaded;
      port.postMessage({ ready: true });
      for (const queued of backlog.splice(0)) handle(queued);
    },
    (error: unknown) => {
      // Without its module the worker is useless: crash, so the pool rejects its tasks with WorkerCrashError.
      throw new Error(`cannot load task module ${init}: ${describe(error)}`);
    },
  );
});
