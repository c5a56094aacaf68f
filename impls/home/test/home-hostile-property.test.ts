// Property-based tests over hostile input (issue 12), for both engines: tasks that succeed, throw non-Errors, return
// values that cannot be cloned (or whose `then` getter throws, or that resolve twice), never settle, kill their
// worker; options with NaN, ±Infinity, huge or too-large priorities and timeouts; retryOn, onResult and onError that
// throw; already-aborted and later-aborted signals; AsyncLocalStorage stores; close() or destroy() at random points.
//
// For every run: each task settles exactly once, or is refused at submit (exactly when its options are invalid); the
// process never crashes (uncaughtException / unhandledRejection fail the test); close() and destroy() resolve within a
// bound; no timer, running task or thread is left behind (threads counted from worker_threads' own exit events); a
// healthy task fails only for its own timeout or abort, the pool's end, or (threads) a neighbour that killed its worker;
// and every task and callback sees its submitter's AsyncLocalStorage store.
//
// Sized for CI: 100 runs for the async engine and 30 for the thread engine, from a fixed seed (1206), take about 5 s
// here and stay well under 60 s on two busy cores. To explore further: HOME_FUZZ_SEED=<n> HOME_FUZZ_RUNS_ASYNC=<n> HOME_FUZZ_RUNS_THREADS=<n>.
// To see the properties catch a broken rule (test code only, never the package): HOME_FUZZ_MUTATION=drop-context
// makes AsyncResource scopes no-ops (the pool's context binding is lost), HOME_FUZZ_MUTATION=skip-replacement makes
// a closing thread pool start no replacement worker after one dies (the old close() hang). Both make a property fail.
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  AsyncPool,
  PoolClosedError,
  PoolDestroyedError,
  ThreadPool,
  TimeoutError,
  WorkerCrashError,
  type TaskContext,
} from '@poolbench/home';
import { threadTasks, trackTimers, trackWorkers } from './helpers.js';

const SEED = Number(process.env.HOME_FUZZ_SEED ?? 1206);
const MUTATION = process.env.HOME_FUZZ_MUTATION;
const ASYNC_RUNS = Number(process.env.HOME_FUZZ_RUNS_ASYNC ?? 100);
const THREAD_RUNS = Number(process.env.HOME_FUZZ_RUNS_THREADS ?? 30);
/** A mutation run only has to show the property failing: no shrinking (a hung close() costs its full bound per try). */
const RUN_OPTIONS = { seed: SEED, ...(MUTATION ? { endOnFailure: true } : {}) };

const realSetTimeout = setTimeout;
const wait = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));
const als = new AsyncLocalStorage<string>();

/** Resolves, or rejects with a message saying what hung. */
async function bounded(promise: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise,
      new Promise((_, reject) => {
        timer = realSetTimeout(() => reject(new Error(`${what} did not resolve within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ── what a run may do ──────────────────────────────────────────────────────────────────────────────────────────

type Abort = 'none' | 'already' | number;
interface CommonSpec {
  priority: number;
  timeoutMs: number | undefined;
  abort: Abort;
  retry: { retries: number; retryOn: 'always' | 'never' | 'throws' } | undefined;
  store: string | undefined;
  /** Submitted without options (the pool's fast path): priority, timeout, abort and retry are then not used. */
  plain: boolean;
}

// Mostly ordinary values, so most tasks really run; the hostile ones often enough that every run meets a few.
const common = {
  priority: fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: -2, max: 2 }) },
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -1e308) },
  ),
  timeoutMs: fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 8 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, Infinity, 2 ** 31, NaN, -1) },
  ),
  abort: fc.oneof(
    { weight: 6, arbitrary: fc.constant<Abort>('none') },
    { weight: 1, arbitrary: fc.constant<Abort>('already') },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 8 }) },
  ),
  retry: fc.option(
    fc.record({ retries: fc.integer({ min: 0, max: 2 }), retryOn: fc.constantFrom<'always' | 'never' | 'throws'>('always', 'never', 'throws') }),
    { nil: undefined, freq: 2 },
  ),
  store: fc.option(fc.constantFrom('s1', 's2', 's3'), { nil: undefined, freq: 3 }),
  plain: fc.boolean(),
};

/** close() or destroy(), after every submit (half the runs) or between two of them. */
const endSpec = fc.record({
  kind: fc.constantFrom<'close' | 'destroy'>('close', 'close', 'destroy'),
  at: fc.oneof(fc.constant(-1), fc.nat()),
});
const endIndex = (at: number, tasks: number) => (at < 0 ? tasks : at % (tasks + 1));

/** Options a task is refused for at submit: what the pool must throw on, and nothing else. */
function invalidOptions(spec: CommonSpec): boolean {
  if (spec.plain) return false;
  const t = spec.timeoutMs;
  return Number.isNaN(spec.priority) || (t !== undefined && (Number.isNaN(t) || t < 0 || (t > 2 ** 31 - 1 && t !== Infinity)));
}

/** A task that never settles by itself gets a finite timeout when the run ends with close(), or close() waits forever. */
function canEnd<S extends CommonSpec>(spec: S, neverSettles: boolean, end: 'close' | 'destroy'): S {
  if (!neverSettles || end === 'destroy') return spec;
  return { ...spec, plain: false, priority: 0, timeoutMs: 5 };
}

function optionsFor(spec: CommonSpec, onRetryOnThrow: () => void): { options: Record<string, unknown> | undefined; abort: () => void } {
  if (spec.plain) return { options: undefined, abort: () => {} };
  const controller = spec.abort === 'none' ? null : new AbortController();
  if (spec.abort === 'already') controller!.abort();
  const options: Record<string, unknown> = { priority: spec.priority };
  if (spec.timeoutMs !== undefined) options.timeoutMs = spec.timeoutMs;
  if (controller) options.signal = controller.signal;
  if (spec.retry) {
    const how = spec.retry.retryOn;
    options.retry = {
      retries: spec.retry.retries,
      retryOn: () => {
        if (how === 'throws') {
          onRetryOnThrow();
          throw new Error('retryOn bug');
        }
        return how === 'always';
      },
    };
  }
  const abortLater = typeof spec.abort === 'number' ? spec.abort : null;
  return { options, abort: () => abortLater !== null && realSetTimeout(() => controller!.abort(), abortLater) };
}

/** What every run records, and checks once it has ended. */
class Ledger {
  readonly settled: number[];
  readonly refused: boolean[];
  readonly errors: unknown[];
  readonly contextErrors: string[] = [];
  observerThrows = 0;
  readonly warnings: Error[] = [];
  readonly processErrors: unknown[] = [];
  private readonly onWarning = (warning: Error) => {
    if (warning.name === 'PoolCallbackWarning') this.warnings.push(warning);
  };
  private readonly onProcessError = (error: unknown) => this.processErrors.push(error);

  constructor(readonly specs: readonly CommonSpec[]) {
    this.settled = specs.map(() => 0);
    this.refused = specs.map(() => false);
    this.errors = specs.map(() => undefined);
    process.on('warning', this.onWarning);
    process.on('uncaughtException', this.onProcessError);
    process.on('unhandledRejection', this.onProcessError);
  }

  /** The current store must be task i's submitter's. */
  context(i: number, where: string): void {
    const store = als.getStore();
    if (store !== this.specs[i]!.store) this.contextErrors.push(`task ${i}, ${where}: store ${store} instead of ${this.specs[i]!.store}`);
  }

  /** onResult / onError: checks the store; when asked to, throws for every fourth task (each should become a warning). */
  observe(i: number, where: string, throws: boolean): void {
    this.context(i, where);
    if (throws && i % 4 === 0) {
      this.observerThrows++;
      throw new Error(`${where} bug`);
    }
  }

  readonly callback = (error: unknown, _result: unknown, i: number): void => {
    this.context(i, 'callback');
    this.settled[i]!++;
    this.errors[i] = error;
  };

  /** Submits task i in its submitter's store, noting whether the pool refused it at submit. */
  submit(i: number, submit: () => void): void {
    const store = this.specs[i]!.store;
    try {
      if (store === undefined) submit();
      else als.run(store, submit);
    } catch (error) {
      this.refused[i] = true;
      this.errors[i] = error;
    }
  }

  stop(): void {
    process.off('warning', this.onWarning);
    process.off('uncaughtException', this.onProcessError);
    process.off('unhandledRejection', this.onProcessError);
  }

  /** The checks every run must pass; `healthy(i)`: task i cannot fail by itself; `allowed`: how such a task may fail. */
  check(healthy: (i: number) => boolean, allowed: (error: unknown) => boolean): void {
    expect(this.processErrors).toEqual([]);
    expect(this.contextErrors).toEqual([]);
    this.specs.forEach((spec, i) => {
      expect({ task: i, refused: this.refused[i] }).toEqual({ task: i, refused: invalidOptions(spec) });
      if (this.refused[i]) expect(this.errors[i]).toSatisfy((e: unknown) => e instanceof TypeError || e instanceof RangeError);
      expect({ task: i, settled: this.settled[i] }).toEqual({ task: i, settled: this.refused[i] ? 0 : 1 });
      if (!this.refused[i] && healthy(i) && this.errors[i] !== undefined) {
        expect({ task: i, error: String(this.errors[i]) }).toSatisfy(() => allowed(this.errors[i]));
      }
    });
    expect(this.warnings.length).toBe(this.observerThrows);
  }
}

/** Applies HOME_FUZZ_MUTATION's drop-context: every AsyncResource scope runs its function in the caller's context. */
function dropContextIfAsked(): () => void {
  if (MUTATION !== 'drop-context') return () => {};
  const original = AsyncResource.prototype.runInAsyncScope;
  AsyncResource.prototype.runInAsyncScope = function (fn: (...args: unknown[]) => unknown, thisArg?: unknown, ...args: unknown[]) {
    return fn.apply(thisArg, args);
  } as typeof original;
  return () => {
    AsyncResource.prototype.runInAsyncScope = original;
  };
}

let undoMutation = () => {};
beforeAll(() => {
  undoMutation = dropContextIfAsked();
});
afterAll(() => undoMutation());

// ── the async engine ──────────────────────────────────────────────────────────────────────────────────────────

type AsyncKind = 'ok' | 'sync' | 'throw' | 'reject' | 'hang' | 'revokedThen' | 'thenTwice';
interface AsyncSpec extends CommonSpec {
  kind: AsyncKind;
  ms: number;
  thrown: unknown;
}

const asyncSpec: fc.Arbitrary<AsyncSpec> = fc.record({
  kind: fc.constantFrom<AsyncKind>('ok', 'ok', 'sync', 'throw', 'reject', 'hang', 'revokedThen', 'thenTwice'),
  ms: fc.integer({ min: 0, max: 3 }),
  thrown: fc.constantFrom<unknown>('text', 42, undefined, null, { not: 'an Error' }),
  ...common,
});

const HEALTHY_ASYNC: ReadonlySet<AsyncKind> = new Set(['ok', 'sync', 'thenTwice']);

describe('AsyncPool under hostile input', () => {
  it(`settles every task exactly once, keeps every store, crashes nothing and leaves nothing behind (${ASYNC_RUNS} runs, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(asyncSpec, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.record({ onResultThrows: fc.boolean(), onErrorThrows: fc.boolean() }),
        endSpec,
        async (rawSpecs, concurrency, observers, end) => {
          const specs = rawSpecs.map((s) => canEnd(s, s.kind === 'hang', end.kind));
          const ledger = new Ledger(specs);
          const timers = trackTimers();
          try {
            const pool = new AsyncPool<number, unknown>({
              concurrency,
              onResult: (_result, i) => ledger.observe(i, 'onResult', observers.onResultThrows),
              onError: (_error, i) => ledger.observe(i, 'onError', observers.onErrorThrows),
            });
            const task = (i: number, _context: TaskContext): unknown => {
              ledger.context(i, 'task');
              const s = specs[i]!;
              switch (s.kind) {
                case 'sync':
                  return i;
                case 'throw':
                  throw s.thrown;
                case 'hang':
                  return new Promise(() => {});
                case 'revokedThen': {
                  const { proxy, revoke } = Proxy.revocable({}, {});
                  revoke();
                  return proxy;
                }
                case 'thenTwice':
                  return { then: (resolve: (v: unknown) => void) => (resolve(i), realSetTimeout(() => resolve('stale'), 0)) };
                default:
                  return wait(s.ms).then(() => {
                    ledger.context(i, 'task, after await');
                    if (s.kind === 'reject') throw new Error(`reject ${i}`);
                    return i;
                  });
              }
            };
            const endAt = endIndex(end.at, specs.length);
            let ended: Promise<void> | undefined;
            for (let i = 0; i < specs.length; i++) {
              if (i === endAt) ended = end.kind === 'close' ? pool.close() : pool.destroy();
              const { options, abort } = optionsFor(specs[i]!, () => {});
              ledger.submit(i, () => (options === undefined ? pool.run(task, i, ledger.callback) : pool.run(task, i, ledger.callback, options)));
              abort();
            }
            ended ??= end.kind === 'close' ? pool.close() : pool.destroy();
            await bounded(ended, 5000, `${end.kind}()`);
            await wait(5); // refusals settle on a microtask, warnings on the next tick; late outcomes must change nothing
            expect(pool.runningCount + pool.pendingCount).toBe(0);
            expect(timers.live()).toBe(0);
            ledger.check(
              (i) => HEALTHY_ASYNC.has(specs[i]!.kind),
              (e) => e instanceof TimeoutError || e instanceof AbortError || e instanceof PoolClosedError || e instanceof PoolDestroyedError,
            );
            const m = pool.metrics();
            expect(m.completed + m.failed).toBe(ledger.refused.filter((r) => !r).length);
          } finally {
            timers.stop();
            ledger.stop();
          }
        },
      ),
      { numRuns: ASYNC_RUNS, ...RUN_OPTIONS },
    );
  }, 60_000);
});

// ── the thread engine ─────────────────────────────────────────────────────────────────────────────────────────

type ThreadKind =
  | 'double' | 'record' | 'nap' | 'thenTwice'
  | 'fail' | 'rejectLater' | 'throwValue' | 'uncloneableArg' | 'uncloneableResult' | 'badMessage' | 'crash' | 'hang' | 'hog';
interface ThreadSpec extends CommonSpec {
  kind: ThreadKind;
  ms: number;
  thrown: unknown;
}

const threadSpec: fc.Arbitrary<ThreadSpec> = fc.record({
  kind: fc.constantFrom<ThreadKind>(
    'double', 'record', 'nap', 'nap', 'thenTwice', 'fail', 'rejectLater', 'throwValue', 'uncloneableArg', 'uncloneableResult',
    'badMessage', 'crash', 'hang', 'hog',
  ),
  ms: fc.integer({ min: 0, max: 5 }),
  thrown: fc.constantFrom<unknown>('text', 42, undefined, null),
  ...common,
});

const HEALTHY_THREAD: ReadonlySet<ThreadKind> = new Set(['double', 'record', 'nap', 'thenTwice']);
const WORKER_KILLERS: ReadonlySet<ThreadKind> = new Set(['crash', 'hog']);

/**
 * The export and argument of a thread task. Plain tasks (no options) run the default export, `double`, on a number
 * (or on a function, which cannot be sent); the others run `act`, each on an object of its own.
 */
function threadCall(spec: ThreadSpec, i: number): { name: string | undefined; arg: unknown } {
  switch (spec.kind) {
    case 'double':
      return { name: undefined, arg: i };
    case 'uncloneableArg':
      return spec.plain ? { name: undefined, arg: () => i } : { name: 'act', arg: { kind: 'record', i, fn: () => i } };
    default:
      return { name: 'act', arg: { kind: spec.kind, i, ms: spec.ms, thrown: spec.thrown, mb: 96 } };
  }
}

/** Which task an argument belongs to, for onResult and onError (they get the argument, not the task). */
function taskIndex(arg: unknown, args: Map<unknown, number>): number {
  return typeof arg === 'number' ? arg : args.get(arg)!;
}

/** HOME_FUZZ_MUTATION=skip-replacement: a closing pool starts no worker after one dies, as before the fix. */
function skipReplacementIfAsked(pool: ThreadPool<unknown, unknown>): void {
  if (MUTATION !== 'skip-replacement') return;
  const internals = pool as unknown as { onExit: (h: unknown, c: number) => void; closing: boolean; destroyed: boolean };
  const onExit = internals.onExit;
  internals.onExit = function (this: typeof internals, handle: unknown, code: number) {
    if (!this.closing) return onExit.call(this, handle, code);
    this.destroyed = true; // the old rule: no replacement while closing
    try {
      onExit.call(this, handle, code);
    } finally {
      this.destroyed = false;
    }
  };
}

describe('ThreadPool under hostile input', () => {
  it(`settles every task exactly once, keeps every store, crashes nothing and stops every thread (${THREAD_RUNS} runs, seed ${SEED})`, async () => {
    const workers = await trackWorkers();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(threadSpec, { minLength: 1, maxLength: 16 }),
          fc.record({
            minThreads: fc.integer({ min: 0, max: 1 }),
            maxThreads: fc.integer({ min: 1, max: 2 }),
            perWorker: fc.integer({ min: 1, max: 3 }),
            onResultThrows: fc.boolean(),
            onErrorThrows: fc.boolean(),
          }),
          endSpec,
          async (rawSpecs, shape, end) => {
            // A plain task runs the default export: only the kinds that can use it may go without options.
            const specs = rawSpecs.map((s) =>
              canEnd({ ...s, plain: s.plain && (s.kind === 'double' || s.kind === 'uncloneableArg') }, s.kind === 'hang', end.kind),
            );
            const args = new Map<unknown, number>();
            const ledger = new Ledger(specs);
            const timers = trackTimers();
            try {
              const pool = new ThreadPool<unknown, unknown>({
                filename: threadTasks,
                minThreads: shape.minThreads,
                maxThreads: shape.maxThreads,
                concurrentTasksPerWorker: shape.perWorker,
                // No task here spins without answering its cancel; a short recycle delay would only mistake a busy machine for one.
                recycleAfterMs: 1000,
                resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
                onResult: (_result, arg) => ledger.observe(taskIndex(arg, args), 'onResult', shape.onResultThrows),
                onError: (_error, arg) => ledger.observe(taskIndex(arg, args), 'onError', shape.onErrorThrows),
              });
              skipReplacementIfAsked(pool);
              const endAt = endIndex(end.at, specs.length);
              let ended: Promise<void> | undefined;
              for (let i = 0; i < specs.length; i++) {
                if (i === endAt) ended = end.kind === 'close' ? pool.close() : pool.destroy();
                const spec = specs[i]!;
                const { name, arg } = threadCall(spec, i);
                args.set(arg, i);
                const { options, abort } = optionsFor(spec, () => {});
                const callback = (error: unknown, result: unknown) => ledger.callback(error, result, i);
                ledger.submit(i, () =>
                  options === undefined ? pool.run(arg, callback) : pool.run(arg, callback, { ...options, ...(name ? { name } : {}) }),
                );
                abort();
              }
              ended ??= end.kind === 'close' ? pool.close() : pool.destroy();
              await bounded(ended, 15_000, `${end.kind}()`);
              await wait(5);
              expect(pool.threads).toBe(0);
              expect(workers.live()).toBe(0); // every worker it started has emitted 'exit'
              expect(pool.runningCount + pool.pendingCount).toBe(0);
              expect(timers.live()).toBe(0);
              const killers = specs.some((s, i) => WORKER_KILLERS.has(s.kind) && !ledger.refused[i]);
              ledger.check(
                (i) => HEALTHY_THREAD.has(specs[i]!.kind),
                (e) =>
                  e instanceof TimeoutError ||
                  e instanceof AbortError ||
                  e instanceof PoolClosedError ||
                  e instanceof PoolDestroyedError ||
                  (killers && e instanceof WorkerCrashError),
              );
            } finally {
              timers.stop();
              ledger.stop();
            }
          },
        ),
        { numRuns: THREAD_RUNS, ...RUN_OPTIONS },
      );
    } finally {
      workers.stop();
    }
  }, 120_000);
});
