// p-limit's API (version 7) on the home pool's async engine, so that switching from p-limit is one import line:
//   import pLimit, { limitFunction } from '@poolbench/home/p-limit';
// Every call is an AsyncPool task: the pool does the limiting, the FIFO queue, the counts and the caller's
// AsyncLocalStorage context. What p-limit does on top is copied as it is: `fn` is called on a microtask after its
// task starts (a synchronous throw becomes a rejection), the caller's promise follows `fn`'s own promise, and the
// task counts as active until that promise settles.
import { AsyncPool } from './async-pool.js';

export interface Options {
  /** Calls running at once: an integer from 1 up, or Infinity. */
  readonly concurrency: number;
  /** Reject the calls that clearQueue() discards with an AbortError (default: they stay pending forever, as in p-limit). */
  readonly rejectOnClear?: boolean;
}

export interface LimitFunction {
  /** Calls `fn(...args)` once fewer than `concurrency` calls are running; returns a promise of its result. */
  <Args extends unknown[], R>(fn: (...args: Args) => PromiseLike<R> | R, ...args: Args): Promise<R>;
  /** Calls running now. */
  readonly activeCount: number;
  /** Calls waiting to start (`fn` not called yet). */
  readonly pendingCount: number;
  /** The limit; raising it starts waiting calls at once. */
  concurrency: number;
  /** Discards the calls waiting to start; running calls go on. */
  clearQueue(): void;
  /** `Promise.all(Array.from(iterable, (item, index) => limit(mapper, item, index)))`. */
  map<Input, R>(iterable: Iterable<Input>, mapper: (input: Input, index: number) => PromiseLike<R> | R): Promise<R[]>;
}

/** One limit(fn, ...args) call, as the argument of its pool task. */
interface Call {
  readonly fn: (...args: unknown[]) => unknown;
  readonly args: unknown[];
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

const invoke = (call: Call): unknown => call.fn(...call.args);
const ignore = (): void => {};

/**
 * The pool task of every call. It runs in the caller's context (the pool keeps it for a call that waited), so the
 * microtask that calls `fn` does too. The pool gets a promise that never rejects: `fn`'s outcome is the caller's alone.
 */
function startCall(call: Call): Promise<void> {
  const result = Promise.resolve(call).then(invoke);
  call.resolve(result);
  return result.then(ignore, ignore);
}

function checkConcurrency(concurrency: unknown): number {
  if (!((Number.isInteger(concurrency) || concurrency === Infinity) && (concurrency as number) > 0)) {
    // p-limit's own message first, so code matching it still matches; then the value given.
    throw new TypeError(`Expected \`concurrency\` to be a number from 1 and up (an integer or Infinity); got ${String(concurrency)}`);
  }
  return concurrency as number;
}

/** AsyncPool takes integers only: Infinity runs as "more than can ever be queued". */
const poolLimit = (concurrency: number): number => (concurrency === Infinity ? Number.MAX_SAFE_INTEGER : concurrency);

export function pLimit(options: number | Options): LimitFunction {
  let concurrency: unknown = options;
  let rejectOnClear: unknown = false;
  if (typeof options === 'object' && options !== null) ({ concurrency, rejectOnClear = false } = options);
  let limit = checkConcurrency(concurrency);
  if (typeof rejectOnClear !== 'boolean') throw new TypeError(`Expected \`rejectOnClear\` to be a boolean; got ${String(rejectOnClear)}`);

  const pool = new AsyncPool<Call, void>({ concurrency: poolLimit(limit) });
  // Only clearQueue() settles a call through the pool (its task never rejects): reject it, or leave it pending.
  const settle = rejectOnClear
    ? (error: unknown, _result: void | undefined, call: Call): void => {
        if (error !== undefined) call.reject(error);
      }
    : ignore;

  const generator = ((fn: Call['fn'], ...args: unknown[]) =>
    new Promise<unknown>((resolve, reject) => pool.run(startCall, { fn, args, resolve, reject }, settle))) as LimitFunction;

  Object.defineProperties(generator, {
    activeCount: { get: () => pool.runningCount },
    pendingCount: { get: () => pool.pendingCount },
    concurrency: {
      get: () => limit,
      set(value: unknown) {
        limit = checkConcurrency(value);
        pool.setConcurrency(poolLimit(limit));
      },
    },
    clearQueue: {
      // p-limit rejects with the reason of an aborted AbortSignal: a DOMException named AbortError.
      value: () => pool.clearQueue(AbortSignal.abort().reason as Error),
    },
    map: {
      async value<Input, R>(iterable: Iterable<Input>, mapper: (input: Input, index: number) => PromiseLike<R> | R): Promise<R[]> {
        const promises: Promise<R>[] = [];
        try {
          for (const item of iterable) promises.push(generator(mapper, item, promises.length));
        } catch (error) {
          // The iterable threw: the calls already made still run, and nobody awaits them, so their rejections are observed here.
          for (const promise of promises) promise.catch(ignore);
          throw error;
        }
        return Promise.all(promises);
      },
    },
  });
  return generator;
}

export default pLimit;

/** `fn` behind its own limit: each call of the returned function is `limit(fn, ...args)`. */
export function limitFunction<Args extends unknown[], R>(
  fn: (...args: Args) => PromiseLike<R> | R,
  options: Options,
): ((...args: Args) => Promise<R>) & Pick<LimitFunction, 'clearQueue'> {
  const limit = pLimit(options);
  const limited = (...args: Args): Promise<R> => limit(fn, ...args);
  return Object.defineProperty(limited, 'clearQueue', { value: limit.clearQueue }) as typeof limited & Pick<LimitFunction, 'clearQueue'>;
}
