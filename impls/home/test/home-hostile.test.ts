// Issue 12: the home pool under hostile input. One regression test per defect the probe found; each failed on the
// pool as it was (see the package README, "Reliability"). The standard, as in piscina, p-limit and Node core's worker
// tests: a bad task fails that task, and only that task.
import { AsyncLocalStorage } from 'node:async_hooks';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  AsyncPool,
  PoolDestroyedError,
  PoolError,
  ThreadPool,
  TimeoutError,
  WorkerCrashError,
  type TaskContext,
} from '@poolbench/home';
import { gate, threadTasks as filename, trackTimers } from './helpers.js';

const brokenModule = fileURLToPath(new URL('./fixtures/broken-module.mjs', import.meta.url));
const realSetTimeout = setTimeout;
const sleep = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

/** Resolves with the promise's outcome, or fails the test when it has not settled within `ms` (a hang). */
async function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = realSetTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Outcome of a promise, as allSettled gives it, within a time bound. */
const outcome = <T>(promise: Promise<T>, what = 'task') =>
  settlesWithin(
    promise.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
    15_000,
    what,
  );

// Any uncaught exception or unhandled rejection during a test fails it: the process must never be the one to crash.
const processErrors: unknown[] = [];
const onProcessError = (error: unknown) => processErrors.push(error);
beforeEach(() => {
  processErrors.length = 0;
  process.on('uncaughtException', onProcessError);
  process.on('unhandledRejection', onProcessError);
});
afterEach(async () => {
  await sleep(20); // a late unhandled rejection surfaces after the test's last await
  process.off('uncaughtException', onProcessError);
  process.off('unhandledRejection', onProcessError);
  expect(processErrors).toEqual([]);
});

describe('1. ThreadPool: close() resolves when workers die while the queue drains', () => {
  it('starts a replacement worker for queued tasks after the last worker exits mid-close (process.exit)', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 1 });
    const crashed = outcome(pool.submit(null, { name: 'crash' }));
    const queued = [outcome(pool.submit('after-1', { name: 'record' })), outcome(pool.submit('after-2', { name: 'record' }))];
    await settlesWithin(pool.close(), 15_000, 'close()');
    expect((await crashed).ok).toBe(false);
    expect(await Promise.all(queued)).toEqual([
      { ok: true, value: 'after-1' },
      { ok: true, value: 'after-2' },
    ]);
    expect(pool.threads).toBe(0);
  });

  it('starts a replacement after a timeout recycles the only worker mid-close', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1, recycleAfterMs: 20 });
    const spinning = outcome(pool.submit(5000, { name: 'spin', timeoutMs: 30 }));
    const queued = outcome(pool.submit('after', { name: 'record' }));
    await settlesWithin(pool.close(), 15_000, 'close()');
    expect(await spinning).toMatchObject({ ok: false, error: expect.any(TimeoutError) });
    expect(await queued).toEqual({ ok: true, value: 'after' });
  });

  it('rejects queued tasks with a clear WorkerCrashError when no worker can load the task module, and close() resolves', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename: brokenModule, minThreads: 0, maxThreads: 1 });
    const tasks = [1, 2, 3, 4].map((n) => outcome(pool.submit(n)));
    await settlesWithin(pool.close(), 15_000, 'close()');
    for (const result of await Promise.all(tasks)) {
      expect(result.ok).toBe(false);
      const error = (result as { error: WorkerCrashError }).error;
      expect(error).toBeInstanceOf(WorkerCrashError);
      expect(error.message).toMatch(/this task module fails to load/);
    }
  });
});

describe('2. ThreadPool: an argument that cannot be cloned fails that task alone', () => {
  it('sent alone to an idle worker: that task rejects with a TypeError naming its argument; the pool carries on', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1 });
    const bad = await outcome(pool.submit(() => 'a function'));
    expect(bad.ok).toBe(false);
    expect((bad as { error: Error }).error).toBeInstanceOf(TypeError);
    expect((bad as { error: Error }).error.message).toMatch(/the task's argument cannot be sent to a worker thread/);
    expect(await outcome(pool.submit(21))).toEqual({ ok: true, value: 42 });
    await settlesWithin(pool.close(), 15_000, 'close()');
  });

  it('sent in a batch: only that task rejects, the rest of the batch runs, and the process does not crash', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 4 });
    // One tick: the first task goes at once, the other three in one batch message.
    const results = await Promise.all([outcome(pool.submit(1)), outcome(pool.submit(Symbol('no'))), outcome(pool.submit(3)), outcome(pool.submit(4))]);
    expect(results[0]).toEqual({ ok: true, value: 2 });
    expect((results[1] as { error: Error }).error).toBeInstanceOf(TypeError);
    expect(results.slice(2)).toEqual([
      { ok: true, value: 6 },
      { ok: true, value: 8 },
    ]);
    await settlesWithin(pool.close(), 15_000, 'close()');
  });

  it('a transfer list that cannot be transferred fails that task alone', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1 });
    const bad = await outcome(pool.submit('x', { name: 'record', transferList: [{} as ArrayBuffer] }));
    expect((bad as { error: Error }).error).toBeInstanceOf(TypeError);
    expect(await outcome(pool.submit('fine', { name: 'record' }))).toEqual({ ok: true, value: 'fine' });
    await settlesWithin(pool.close(), 15_000, 'close()');
  });

  it('workerData that cannot be cloned is refused by the constructor, even with minThreads 0', () => {
    expect(() => new ThreadPool({ filename, minThreads: 0, workerData: { f: () => 1 } })).toThrow(
      /^options\.workerData must be a value a worker thread can receive \(structured-cloneable\); cloning it failed: DataCloneError/,
    );
  });
});

describe('3. ThreadPool: a result or error that cannot be sent back fails that task alone', () => {
  it.each([
    ['a result that cannot be cloned', 'uncloneable', /the task's result cannot be sent back from its worker thread/],
    ['an error whose message getter throws', 'badMessage', /the error's message could not be read: Error: message getter exploded/],
  ])('%s: that task rejects with a readable error, its neighbours in the same worker succeed', async (_what, name, message) => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 3 });
    const [before, bad, after] = await Promise.all([
      outcome(pool.submit(30, { name: 'nap' })),
      outcome(pool.submit(null, { name })),
      outcome(pool.submit(30, { name: 'nap' })),
    ]);
    expect(before.ok && after.ok).toBe(true);
    expect((bad as { error: Error }).error.message).toMatch(message);
    await settlesWithin(pool.close(), 15_000, 'close()');
  });

  it('a worker killed by an uncaught non-Error fails its tasks with a crash message that never reads "undefined"', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 2 });
    const [killer, neighbour] = await Promise.all([outcome(pool.submit(null, { name: 'throwLater' })), outcome(pool.submit(5000, { name: 'nap' }))]);
    for (const result of [killer, neighbour]) {
      const error = (result as { error: WorkerCrashError }).error;
      expect(error).toBeInstanceOf(WorkerCrashError);
      expect(error.message).not.toMatch(/undefined/);
      expect(error).toMatchObject({ reason: 'uncaught', exitCode: 1, threadId: expect.any(Number) });
    }
    expect(await outcome(pool.submit(4))).toEqual({ ok: true, value: 8 });
    await settlesWithin(pool.close(), 15_000, 'close()');
  });
});

describe('4. ThreadPool: resourceLimits, env, execArgv, argv and name reach the worker', () => {
  it('a worker over its memory limit fails its task with WorkerCrashError carrying exit code, thread id and ERR_WORKER_OUT_OF_MEMORY', async () => {
    const pool = new ThreadPool<unknown, unknown>({
      filename,
      minThreads: 1,
      maxThreads: 1,
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    const hog = await outcome(pool.submit(256, { name: 'hog' })); // 256 MB: far past the cap, harmless without it
    const error = (hog as { error: WorkerCrashError }).error;
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect(error).toMatchObject({ reason: 'ERR_WORKER_OUT_OF_MEMORY', exitCode: 1 });
    expect(error.threadId).toBeGreaterThan(0);
    expect(error.message).toMatch(/memory limit/);
    expect(await outcome(pool.submit(5))).toEqual({ ok: true, value: 10 }); // a new worker serves the next task
    await settlesWithin(pool.close(), 15_000, 'close()');
  });

  it('passes env, argv and execArgv through to new Worker, and runs the export `name` names for plain tasks', async () => {
    const pool = new ThreadPool<unknown, unknown>({
      filename,
      maxThreads: 1,
      env: { HOME_POOL_PROBE: 'from options.env' },
      argv: ['--probe', 42],
      execArgv: ['--no-warnings'],
      name: 'alternative',
    });
    expect(await pool.submit('x')).toBe('alternative x');
    expect(await pool.submit('HOME_POOL_PROBE', { name: 'startedWith' })).toEqual({
      env: 'from options.env',
      argv: ['--probe', '42'],
      execArgv: ['--no-warnings'],
    });
    await pool.close();
  });

  it('refuses bad values for the new options, naming the option', () => {
    expect(() => new ThreadPool({ filename, resourceLimits: { maxOldGenerationSizeMb: -1 } })).toThrow(
      new RangeError('options.resourceLimits.maxOldGenerationSizeMb must be a number of MB > 0; got -1'),
    );
    expect(() => new ThreadPool({ filename, resourceLimits: { maxOldGenerationMb: 8 } as never })).toThrow(
      /^options\.resourceLimits\.maxOldGenerationMb is not a known resourceLimits option; allowed: maxOldGenerationSizeMb, /,
    );
    expect(() => new ThreadPool({ filename, execArgv: '--inspect' as never })).toThrow('options.execArgv must be an array of strings');
    expect(() => new ThreadPool({ filename, argv: 'x' as never })).toThrow('options.argv must be an array; got "x"');
    expect(() => new ThreadPool({ filename, env: 3 as never })).toThrow('options.env must be an object of environment variables');
    expect(() => new ThreadPool({ filename, name: '' })).toThrow('options.name must be the name of an export of the task module');
  });
});

describe('5. AsyncLocalStorage context is the submitter\'s, for the task and every callback', () => {
  const als = new AsyncLocalStorage<string>();
  type Seen = Record<string, Record<string, string | undefined>>;
  const recorder = () => {
    const seen: Seen = {};
    const note = (label: string, where: string) => {
      (seen[label] ??= {})[where] = als.getStore();
    };
    return { seen, note };
  };

  it('AsyncPool: queued, timed-out, aborted, failed and store-less tasks, with onResult, onError and run() callbacks', async () => {
    const { seen, note } = recorder();
    const pool = new AsyncPool<string, string>({
      concurrency: 1,
      onResult: (_result, label) => note(label, 'onResult'),
      onError: (_error, label) => note(label, 'onError'),
    });
    const callback = (_error: unknown, _result: unknown, label: string) => note(label, 'callback');
    const blocker = gate();
    const task = async (label: string) => {
      note(label, 'task');
      await sleep(1);
      note(label, 'task, after await');
      if (label === 'failing') throw new Error('fails');
      return label;
    };
    als.run('blocker', () => pool.run(() => blocker.promise.then(() => 'blocker'), 'blocker', callback));
    for (const label of ['queued-1', 'queued-2', 'failing']) als.run(label, () => pool.run(task, label, callback));
    pool.run(task, 'no store', callback);
    als.run('timed out', () => pool.run(() => new Promise<string>(() => {}), 'timed out', callback, { timeoutMs: 5 }));
    const abort = new AbortController();
    als.run('aborted', () => pool.run(task, 'aborted', callback, { signal: abort.signal }));
    als.run('someone else', () => abort.abort());
    als.run('someone else', () => blocker.open());
    await settlesWithin(pool.onIdle(), 10_000, 'onIdle()');

    const all = (label: string, ...where: string[]) => Object.fromEntries(where.map((w) => [w, label]));
    expect(seen).toEqual({
      blocker: all('blocker', 'onResult', 'callback'),
      'queued-1': all('queued-1', 'task', 'task, after await', 'onResult', 'callback'),
      'queued-2': all('queued-2', 'task', 'task, after await', 'onResult', 'callback'),
      failing: all('failing', 'task', 'task, after await', 'onError', 'callback'),
      'no store': { task: undefined, 'task, after await': undefined, onResult: undefined, callback: undefined },
      'timed out': all('timed out', 'onError', 'callback'),
      aborted: all('aborted', 'onError', 'callback'),
    });
  });

  it('AsyncPool: destroy() calls back running and queued tasks in their submitters\' contexts', async () => {
    const { seen, note } = recorder();
    const pool = new AsyncPool<string, string>({ concurrency: 1 });
    const callback = (_error: unknown, _result: unknown, label: string) => note(label, 'callback');
    for (const label of ['running', 'queued']) als.run(label, () => pool.run(() => new Promise<string>(() => {}), label, callback));
    await als.run('destroyer', () => pool.destroy());
    expect(seen).toEqual({ running: { callback: 'running' }, queued: { callback: 'queued' } });
  });

  it('ThreadPool: run() callbacks, onResult and onError, for plain tasks, timeouts and crashes', async () => {
    const { seen, note } = recorder();
    const pool = new ThreadPool<unknown, unknown>({
      filename,
      minThreads: 1,
      maxThreads: 1,
      concurrentTasksPerWorker: 2,
      onResult: (_result, arg) => note(String(arg), 'onResult'),
      onError: (_error, arg) => note(String(arg), 'onError'),
    });
    const callback = (_error: unknown, _result: unknown, arg: unknown) => note(String(arg), 'callback');
    for (const label of ['plain-1', 'plain-2', 'plain-3']) als.run(label, () => pool.run(label, callback, { name: 'record' }));
    als.run('plain default', () => pool.run(7 as never, callback));
    als.run('fails', () => pool.run('fails', callback, { name: 'fail' }));
    als.run('timed out', () => pool.run('timed out', callback, { name: 'hang', timeoutMs: 10 }));
    await settlesWithin(pool.onIdle(), 10_000, 'onIdle()');
    als.run('crashes', () => pool.run('crashes', callback, { name: 'crash' }));
    await settlesWithin(pool.onIdle(), 10_000, 'onIdle()');
    await pool.close();

    const all = (label: string, ...where: string[]) => Object.fromEntries(where.map((w) => [w, label]));
    expect(seen).toEqual({
      'plain-1': all('plain-1', 'onResult', 'callback'),
      'plain-2': all('plain-2', 'onResult', 'callback'),
      'plain-3': all('plain-3', 'onResult', 'callback'),
      7: all('plain default', 'onResult', 'callback'),
      fails: all('fails', 'onError', 'callback'),
      'timed out': all('timed out', 'onError', 'callback'),
      crashes: all('crashes', 'onError', 'callback'),
    });
  });
});

describe('6. AsyncPool: NaN priority, a throwing retryOn and a throwing then-getter settle one task', () => {
  it('priority NaN is refused at submit with an error naming the option; the pool carries on', async () => {
    const pool = new AsyncPool<number, number>({ concurrency: 1 });
    const blocker = gate<number>();
    const first = pool.submit(() => blocker.promise);
    await expect(pool.submit((n) => n, 1, { priority: NaN })).rejects.toThrow(new TypeError('options.priority must be a number (not NaN); got NaN'));
    expect(() => pool.run((n) => n, 1, () => {}, { priority: NaN })).toThrow(TypeError);
    const others = [pool.submit((n) => n, 2, { priority: Infinity }), pool.submit((n) => n, 3, { priority: -Infinity }), pool.submit((n) => n, 4, { priority: 1e308 })];
    blocker.open(0);
    expect(await settlesWithin(Promise.all([first, ...others]), 5000, 'the other tasks')).toEqual([0, 2, 3, 4]);
    expect(pool.metrics()).toMatchObject({ submitted: 4, completed: 4 });
  });

  it('with aging, tasks at priority -Infinity still run', async () => {
    const pool = new AsyncPool<number, number>({ concurrency: 1, agingMs: 10 });
    const blocker = gate<number>();
    const first = pool.submit(() => blocker.promise);
    const low = pool.submit((n) => n, 1, { priority: -Infinity });
    blocker.open(0);
    expect(await settlesWithin(Promise.all([first, low]), 5000, 'the low task')).toEqual([0, 1]);
  });

  it('a retryOn predicate that throws rejects that task with an error saying so; no unhandled rejection', async () => {
    const pool = new AsyncPool<number, number>({ concurrency: 1 });
    const predicate = new Error('predicate bug');
    const result = await outcome(
      pool.submit(() => Promise.reject(new Error('task failed')), 1, {
        retry: {
          retries: 3,
          retryOn: () => {
            throw predicate;
          },
        },
      }),
    );
    const error = (result as { error: PoolError }).error;
    expect(error).toBeInstanceOf(PoolError);
    expect(error.message).toBe('options.retry.retryOn threw Error: predicate bug while judging the task\'s error Error: task failed');
    expect(error.cause).toBe(predicate);
    expect(await pool.submit((n) => n, 5)).toBe(5);
  });

  it('a returned value whose then-getter throws (a revoked Proxy) rejects that task; run() does not throw, the slot is freed', async () => {
    const pool = new AsyncPool<number, unknown>({ concurrency: 1 });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const results: unknown[] = [];
    expect(() => pool.run(() => proxy, 1, (error, value) => results.push(error ?? value))).not.toThrow();
    expect(results[0]).toBeInstanceOf(TypeError);
    expect(pool.runningCount).toBe(0);
    expect(await pool.submit((n) => n, 2)).toBe(2);
  });

  it('onResult and onError that throw change no outcome and crash nothing: each becomes a process warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const pool = new AsyncPool<number, number>({
        onResult: () => {
          throw new Error('onResult bug');
        },
        onError: () => {
          throw new Error('onError bug');
        },
      });
      expect(await outcome(pool.submit((n) => n, 1))).toEqual({ ok: true, value: 1 });
      expect((await outcome(pool.submit(() => Promise.reject(new Error('no'))))).ok).toBe(false);
      await sleep(5); // warnings are emitted on the next tick
      expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([
        'PoolCallbackWarning: options.onResult threw Error: onResult bug; the pool carried on',
        'PoolCallbackWarning: options.onError threw Error: onError bug; the pool carried on',
      ]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('7. Exactly once, whatever a task returns', () => {
  it('AsyncPool: a thenable that resolves twice never hands its stale value to the next task in the slot', async () => {
    const pool = new AsyncPool<string, string>({ concurrency: 1 });
    let resolveAgain!: (value: string) => void;
    const twice = { then: (resolve: (value: string) => void) => ((resolveAgain = resolve), resolve('first')) };
    const second = gate<string>();
    const results = [pool.submit(() => twice as unknown as Promise<string>, 'a'), pool.submit(() => second.promise, 'b')];
    expect(await results[0]).toBe('first');
    resolveAgain('stale'); // the slot now runs task b
    second.open('second');
    expect(await results[1]).toBe('second');
    expect(pool.metrics()).toMatchObject({ completed: 2 });
  });

  it('AsyncPool: a thenable that resolves, then rejects later, settles once; the rejection never reaches the next task', async () => {
    const pool = new AsyncPool<number, string>({ concurrency: 1 });
    let rejectLater!: (error: unknown) => void;
    const both = { then: (resolve: (v: string) => void, reject: (e: unknown) => void) => ((rejectLater = reject), resolve('ok')) };
    const next = gate<string>();
    const calls: unknown[] = [];
    pool.run(() => both as unknown as Promise<string>, 1, (error, value) => calls.push(error ?? value));
    pool.run(() => next.promise, 2, (error, value) => calls.push(error ?? value));
    await sleep(1);
    rejectLater(new Error('late')); // task 2 runs in the slot now
    next.open('next');
    await pool.onIdle();
    expect(calls).toEqual(['ok', 'next']);
  });

  it('ThreadPool: a thenable that resolves twice in the worker never reaches the task that reuses its id', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 1 });
    expect(await pool.submit(20, { name: 'thenTwice' })).toBe('first');
    expect(await pool.submit(60, { name: 'nap' })).toBe(await pool.submit(1, { name: 'nap' })); // its own result: the thread id
    await pool.close();
  });
});

describe('8. ms options: Infinity means none, a value too large for a timer is refused', () => {
  it('AsyncPool: timeoutMs Infinity never times out; 2³¹ ms is refused, naming the option and the range', async () => {
    const timers = trackTimers();
    try {
      const pool = new AsyncPool<number, string>({ concurrency: 1 });
      expect(await pool.submit(() => sleep(30).then(() => 'done'), 1, { timeoutMs: Infinity })).toBe('done');
      expect(timers.created()).toBe(0); // no timeout timer (the task sleeps on the real setTimeout, not counted)
      await expect(pool.submit(() => 'x', 1, { timeoutMs: 2 ** 31 })).rejects.toThrow(
        new RangeError('options.timeoutMs must be a number of ms from 0 to 2147483647 (the largest timer delay) or Infinity (no timeout); got 2147483648'),
      );
      expect(await new AsyncPool({ timeoutMs: Infinity }).submit(() => sleep(20).then(() => 'pool default'))).toBe('pool default');
    } finally {
      timers.stop();
    }
  });

  it('every other ms option: idle timeout, recycle, breaker cool-down, retry delays', () => {
    const tooLarge = 2 ** 31;
    expect(() => new ThreadPool({ filename, minThreads: 0, idleTimeoutMs: tooLarge })).toThrow(/^options\.idleTimeoutMs must be a number of ms from 0 to 2147483647/);
    expect(() => new ThreadPool({ filename, minThreads: 0, recycleAfterMs: tooLarge })).toThrow(/^options\.recycleAfterMs must be/);
    expect(() => new AsyncPool({ timeoutMs: tooLarge })).toThrow(RangeError);
    expect(() => new AsyncPool({ breaker: { coolDownMs: tooLarge } })).toThrow(/^options\.breaker\.coolDownMs must be/);
    expect(() => new AsyncPool({ retry: { retries: 1, delayMs: tooLarge } })).toThrow(/^options\.retry\.delayMs must be a number of ms from 0 to 2147483647 \(the largest timer delay\); got/);
    expect(() => new AsyncPool({ retry: { retries: 1, delayMs: Infinity } })).toThrow(RangeError);
    expect(() => new AsyncPool({ retry: { retries: 1, maxDelayMs: tooLarge } })).toThrow(/^options\.retry\.maxDelayMs must be/);
    expect(() => new AsyncPool({ timeoutMs: NaN })).toThrow(TypeError);
    // Infinity where it means "never": accepted.
    expect(() => new AsyncPool({ breaker: { coolDownMs: Infinity }, retry: { retries: 1, maxDelayMs: Infinity } })).not.toThrow();
    new ThreadPool({ filename, minThreads: 0, idleTimeoutMs: Infinity, recycleAfterMs: Infinity }).destroy();
  });

  it('a computed backoff beyond 2³¹ ms waits the longest a timer can, instead of firing at once', async () => {
    const pool = new AsyncPool<number, number>({ concurrency: 1 });
    let tries = 0;
    const result = pool.submit(
      () => {
        tries++;
        throw new Error('again');
      },
      1,
      { retry: { retries: 3, delayMs: 1, factor: 2 ** 32 } }, // waits 1 ms, then 2³² ms
    );
    result.catch(() => {});
    await sleep(50);
    expect(tries).toBe(2); // the second backoff is pending; clamped to 1 ms by Node, tries 3 and 4 would have run
    await pool.destroy();
    await expect(result).rejects.toBeInstanceOf(PoolDestroyedError);
  });

  it('ThreadPool: timeoutMs Infinity never times out', async () => {
    const pool = new ThreadPool<number, number>({ filename, maxThreads: 1 });
    expect(await pool.submit(40, { name: 'nap', timeoutMs: Infinity })).toEqual(expect.any(Number));
    await pool.close();
  });
});

describe('9. Unknown option names are refused, listing the allowed ones', () => {
  it('pool options of both engines', () => {
    expect(() => new ThreadPool({ filename, idleTimeout: 50 } as never)).toThrow(
      new TypeError(
        'options.idleTimeout is not a known ThreadPool option; allowed: maxQueue, whenFull, maxBlockedSubmits, breaker, timeoutMs, retry, ' +
          'agingMs, trackLatency, onResult, onError, filename, minThreads, maxThreads, concurrentTasksPerWorker, idleTimeoutMs, ' +
          'recycleAfterMs, workerData, resourceLimits, env, execArgv, argv, name',
      ),
    );
    expect(() => new AsyncPool({ concurency: 2 } as never)).toThrow(/^options\.concurency is not a known AsyncPool option; allowed: .*concurrency$/);
    expect(() => new AsyncPool({ retry: { retries: 1, delay: 5 } } as never)).toThrow(/^options\.retry\.delay is not a known retry option; allowed: retries, delayMs/);
    expect(() => new AsyncPool({ breaker: { cooldownMs: 5 } } as never)).toThrow(/^options\.breaker\.cooldownMs is not a known breaker option/);
    expect(() => new AsyncPool(3 as never)).toThrow(/^options must be an object \{ maxQueue\?, /);
  });

  it('task options of both engines, and the options of group(), map() and setConcurrency()', async () => {
    const pool = new AsyncPool<number, number>();
    await expect(pool.submit((n) => n, 1, { timeout: 5 } as never)).rejects.toThrow(
      new TypeError('options.timeout is not a known task option; allowed: priority, timeoutMs, signal, retry'),
    );
    expect(() => pool.run((n) => n, 1, () => {}, { timeout: 5 } as never)).toThrow(TypeError);
    await expect(pool.submit((n) => n, 1, { signal: 'stop' } as never)).rejects.toThrow('options.signal must be an AbortSignal; got "stop"');
    expect(() => pool.group({ failfast: true } as never)).toThrow(/^options\.failfast is not a known group option; allowed: failFast$/);
    expect(() => pool.map([1], (n) => n, { concurency: 1 } as never)).toThrow(/^options\.concurency is not a known map option/);
    expect(pool.metrics().submitted).toBe(0); // refused tasks never counted

    const threads = new ThreadPool<number, number>({ filename, minThreads: 0 });
    await expect(threads.submit(1, { timeout: 5 } as never)).rejects.toThrow(
      'options.timeout is not a known task option; allowed: priority, timeoutMs, signal, retry, name, transferList',
    );
    expect(() => threads.setConcurrency({ threads: 2 } as never)).toThrow(/^options\.threads is not a known setConcurrency option/);
    await threads.close();
  });
});

describe('abort and destroy still settle exactly once under the new paths', () => {
  it('AsyncPool: an already-aborted signal is refused; a running task sees its signal abort', async () => {
    const pool = new AsyncPool<number, string>({ concurrency: 1 });
    await expect(pool.submit(() => 'x', 1, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    const controller = new AbortController();
    let sawAbort = false;
    const running = pool.submit((_: number, ctx: TaskContext) => new Promise<string>((resolve) => ctx.signal.addEventListener('abort', () => ((sawAbort = true), resolve('late')))), 1, { signal: controller.signal });
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
    expect(sawAbort).toBe(true);
  });
});
