// The p-limit drop-in against p-limit itself: every case runs the same body against both and asserts the behaviour
// p-limit 7 documents (and, where its documentation is silent, what p-limit does), so a difference fails here.
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
// p-limit itself, from the repository's node_modules (a dependency of the harness, not of this package).
import originalPLimit, { limitFunction as originalLimitFunction } from 'p-limit';
import { AbortError, AsyncPool } from '@poolbench/home';
import homePLimit, { limitFunction as homeLimitFunction, pLimit as namedPLimit } from '@poolbench/home/p-limit';
import { gate } from './helpers.js';

/** One macrotask: every microtask (starts, settlements, count updates) has run by then. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Whether a promise has settled within one macrotask. */
async function settledSoon(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await tick();
  return settled;
}

const implementations = [
  { name: 'p-limit', pLimit: originalPLimit, limitFunction: originalLimitFunction },
  { name: '@poolbench/home/p-limit', pLimit: homePLimit, limitFunction: homeLimitFunction },
] as const;

describe.each(implementations)('$name', ({ pLimit, limitFunction }) => {
  /** Calls that each wait for their own gate, recording the order they started in and the arguments they got. */
  function gatedCalls(count: number) {
    const gates = Array.from({ length: count }, () => gate<string>());
    const started: unknown[][] = [];
    const task = (index: number, label: string) => {
      started.push([index, label]);
      return gates[index]!.promise;
    };
    return { gates, started, task };
  }

  it('starts calls in FIFO order, at most `concurrency` at once, passing the arguments through', async () => {
    const limit = pLimit(2);
    const { gates, started, task } = gatedCalls(5);
    const results = [0, 1, 2, 3, 4].map((i) => limit(task, i, `call ${i}`));
    // Counted as active at once, but fn itself is called on a later microtask.
    expect([limit.activeCount, limit.pendingCount, started.length]).toEqual([2, 3, 0]);
    await tick();
    expect(started).toEqual([[0, 'call 0'], [1, 'call 1']]);

    gates[1]!.open('one');
    await tick();
    expect(started.map(([i]) => i)).toEqual([0, 1, 2]);
    expect([limit.activeCount, limit.pendingCount]).toEqual([2, 2]);

    gates[0]!.open('zero');
    gates[2]!.open('two');
    await tick();
    expect(started.map(([i]) => i)).toEqual([0, 1, 2, 3, 4]);
    expect([limit.activeCount, limit.pendingCount]).toEqual([2, 0]);

    gates[3]!.open('three');
    gates[4]!.open('four');
    expect(await Promise.all(results)).toEqual(['zero', 'one', 'two', 'three', 'four']);
    await tick();
    expect([limit.activeCount, limit.pendingCount]).toEqual([0, 0]);
  });

  it('accepts { concurrency } as well as a number, and reports it', () => {
    expect(pLimit({ concurrency: 3 }).concurrency).toBe(3);
    expect(pLimit(4).concurrency).toBe(4);
  });

  it('refuses a concurrency that is not an integer from 1 up (or Infinity) with a TypeError', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '2', undefined, -Infinity]) {
      expect(() => pLimit(bad as number), String(bad)).toThrow(TypeError);
      expect(() => pLimit(bad as number), String(bad)).toThrow(/Expected `concurrency` to be a number from 1 and up/);
      expect(() => pLimit({ concurrency: bad as number }), String(bad)).toThrow(/Expected `concurrency` to be a number from 1 and up/);
    }
    expect(() => pLimit({ concurrency: 1, rejectOnClear: 'yes' as unknown as boolean })).toThrow(/Expected `rejectOnClear` to be a boolean/);
  });

  it('runs every call at once under Infinity', async () => {
    const limit = pLimit(Infinity);
    expect(limit.concurrency).toBe(Infinity);
    const { gates, started, task } = gatedCalls(50);
    const results = gates.map((_, i) => limit(task, i, ''));
    await tick();
    expect([started.length, limit.activeCount, limit.pendingCount]).toEqual([50, 50, 0]);
    gates.forEach((g, i) => g.open(String(i)));
    expect((await Promise.all(results)).length).toBe(50);
  });

  it('resolves with plain values and rejects with async rejections and synchronous throws (undefined included)', async () => {
    const limit = pLimit(1);
    const failure = new Error('async failure');
    const thrown = new Error('sync throw');
    let called: () => Promise<unknown> = async () => undefined;
    expect(() => (called = () => limit(() => { throw thrown; }))).not.toThrow();
    const outcomes = await Promise.allSettled([
      limit(() => 7),
      limit(async () => 'async'),
      limit(() => Promise.reject(failure)),
      called(),
      limit(() => Promise.reject(undefined)),
      limit('not a function' as unknown as () => void),
      limit((a: number, b: number, c: number) => a + b + c, 1, 2, 3),
    ]);
    expect(outcomes.slice(0, 5)).toEqual([
      { status: 'fulfilled', value: 7 },
      { status: 'fulfilled', value: 'async' },
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: thrown },
      { status: 'rejected', reason: undefined },
    ]);
    expect(outcomes[5]).toMatchObject({ status: 'rejected', reason: expect.any(TypeError) });
    expect(outcomes[6]).toEqual({ status: 'fulfilled', value: 6 });
    await tick();
    expect([limit.activeCount, limit.pendingCount]).toEqual([0, 0]);
  });

  it('starts waiting calls at once when concurrency is raised, and holds new ones back when it is lowered', async () => {
    const limit = pLimit(1);
    const { gates, started, task } = gatedCalls(6);
    const results = [0, 1, 2, 3].map((i) => limit(task, i, ''));
    await tick();
    expect(started.map(([i]) => i)).toEqual([0]);

    limit.concurrency = 3;
    expect(limit.concurrency).toBe(3);
    await tick();
    expect(started.map(([i]) => i)).toEqual([0, 1, 2]);
    expect([limit.activeCount, limit.pendingCount]).toEqual([3, 1]);

    expect(() => (limit.concurrency = 0)).toThrow(/Expected `concurrency` to be a number from 1 and up/);
    expect(limit.concurrency).toBe(3);

    limit.concurrency = 1;
    results.push(limit(task, 4, ''));
    gates[0]!.open('');
    gates[1]!.open('');
    await tick();
    // Two finished, one still runs: under a limit of 1 nothing else starts.
    expect(started.map(([i]) => i)).toEqual([0, 1, 2]);
    expect([limit.activeCount, limit.pendingCount]).toEqual([1, 2]);
    gates[2]!.open('');
    await tick();
    expect(started.map(([i]) => i)).toEqual([0, 1, 2, 3]);
    gates[3]!.open('');
    gates[4]!.open('');
    await Promise.all(results);
  });

  it('clearQueue() discards waiting calls, whose promises stay pending; running ones finish', async () => {
    const limit = pLimit(1);
    const { gates, started, task } = gatedCalls(4);
    const running = limit(task, 0, '');
    const discarded = [limit(task, 1, ''), limit(task, 2, '')];
    await tick();
    limit.clearQueue();
    expect([limit.activeCount, limit.pendingCount]).toEqual([1, 0]);
    gates[0]!.open('kept');
    expect(await running).toBe('kept');
    for (const promise of discarded) expect(await settledSoon(promise)).toBe(false);
    expect(started.map(([i]) => i)).toEqual([0]);
    // The limiter goes on working after a clear.
    const after = limit(task, 3, '');
    gates[3]!.open('after');
    expect(await after).toBe('after');
    expect(started.map(([i]) => i)).toEqual([0, 3]);
  });

  it('clearQueue() with rejectOnClear rejects the waiting calls with an AbortError', async () => {
    const limit = pLimit({ concurrency: 1, rejectOnClear: true });
    const { gates, started, task } = gatedCalls(3);
    const running = limit(task, 0, '');
    const discarded = [limit(task, 1, ''), limit(task, 2, '')];
    limit.clearQueue();
    expect(limit.pendingCount).toBe(0);
    for (const promise of discarded) await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    gates[0]!.open('kept');
    expect(await running).toBe('kept');
    expect(started.map(([i]) => i)).toEqual([0]);
  }, 5_000); // a discarded call left pending would otherwise hang until the default minute

  it('limitFunction() limits one function, passes its arguments and can clear its queue', async () => {
    const { gates, started, task } = gatedCalls(4);
    const limited = limitFunction(task, { concurrency: 2 });
    const results = [0, 1, 2].map((i) => limited(i, `arg ${i}`));
    await tick();
    expect(started).toEqual([[0, 'arg 0'], [1, 'arg 1']]);
    gates[0]!.open('a');
    await tick();
    expect(started.map(([i]) => i)).toEqual([0, 1, 2]);
    const cleared = limited(3, '');
    limited.clearQueue();
    gates[1]!.open('b');
    gates[2]!.open('c');
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c']);
    expect(await settledSoon(cleared)).toBe(false);
    expect(started.map(([i]) => i)).toEqual([0, 1, 2]);
  });

  it('map() runs the mapper over an iterable with item and index, results in input order', async () => {
    const limit = pLimit(2);
    let peak = 0;
    const mapped = await limit.map(new Set([30, 10, 20]), async (value, index) => {
      peak = Math.max(peak, limit.activeCount);
      await new Promise((resolve) => setTimeout(resolve, value / 10));
      return `${index}:${value}`;
    });
    expect(mapped).toEqual(['0:30', '1:10', '2:20']);
    expect(peak).toBe(2);
  });

  it("runs each call in its caller's AsyncLocalStorage context, also when it had to wait", async () => {
    const storage = new AsyncLocalStorage<string>();
    const limit = pLimit(1);
    const seen: (string | undefined)[] = [];
    const task = async (label: string) => {
      seen.push(`${label} sees ${storage.getStore()}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(`${label} after await sees ${storage.getStore()}`);
    };
    await Promise.all([
      storage.run('first', () => limit(task, 'a')),
      storage.run('second', () => limit(task, 'b')),
      limit(task, 'c'),
      storage.run('third', () => limit(task, 'd')),
    ]);
    expect(seen).toEqual([
      'a sees first', 'a after await sees first',
      'b sees second', 'b after await sees second',
      'c sees undefined', 'c after await sees undefined',
      'd sees third', 'd after await sees third',
    ]);
  });
});

describe('@poolbench/home/p-limit', () => {
  it('exports pLimit both as the default and by name', () => {
    expect(namedPLimit).toBe(homePLimit);
  });

  it('names the value it refuses, after p-limit\'s own message', () => {
    expect(() => homePLimit(0)).toThrow('Expected `concurrency` to be a number from 1 and up (an integer or Infinity); got 0');
  });
});

describe('AsyncPool.clearQueue(), which the drop-in\'s clearQueue() is', () => {
  it('rejects waiting tasks with an AbortError (or the error given), lets running ones finish and keeps the pool open', async () => {
    const pool = new AsyncPool<number, string>({ concurrency: 1 });
    const running = gate<string>();
    const first = pool.submit(() => running.promise);
    const waiting = [pool.submit(async () => 'never'), pool.submit(async () => 'never')];
    pool.clearQueue();
    expect([pool.runningCount, pool.pendingCount]).toEqual([1, 0]);
    for (const promise of waiting) await expect(promise).rejects.toBeInstanceOf(AbortError);
    const custom = new Error('cleared');
    const another = pool.submit(async () => 'never');
    pool.clearQueue(custom);
    await expect(another).rejects.toBe(custom);
    running.open('done');
    expect(await first).toBe('done');
    expect(await pool.submit(async () => 'after')).toBe('after');
    expect(pool.metrics()).toMatchObject({ completed: 2, failed: 3 });
  });
});
