// Issue 8 features of the home pool: submitter cap and trySubmit, task groups, circuit breaker; on both engines.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AbortError,
  AsyncPool,
  PoolOverloadError,
  QueueFullError,
  ThreadPool,
  type BreakerState,
  type TaskContext,
} from '@poolbench/home';
import { gate, packageDir } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await sleep(2);
  }
}

/** Outcome of a promise once it has settled, without awaiting it to settle. */
function observe<T>(promise: Promise<T>) {
  const seen: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(seen, { settled: true, value }),
    (error: unknown) => Object.assign(seen, { settled: true, error }),
  );
  return seen;
}

// A task module written by the test itself, so the thread tests can see from the main thread which tasks started
// (a shared Int32Array) without touching the shared fixtures.
const taskDir = join(packageDir, '.tmp', 'home-features');
mkdirSync(taskDir, { recursive: true });
const taskModule = join(taskDir, 'tasks.mjs');
writeFileSync(
  taskModule,
  `export default function double(n) { return n * 2; }
export function mark({ flag, index }) { Atomics.add(flag, index, 1); return index; }
export function hold({ flag, index }, { signal }) {
  Atomics.store(flag, index, 1);
  return new Promise((resolve) => signal.addEventListener('abort', () => { Atomics.store(flag, index, 2); resolve('saw abort'); }));
}
export function failAfter({ ms, message }) { return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms)); }
export function fail(message) { throw new Error(message); }
export function nap(ms) { return new Promise((resolve) => setTimeout(() => resolve(ms), ms)); }
`,
);

describe('submitter cap (maxBlockedSubmits) and trySubmit', () => {
  it('AsyncPool: past maxBlockedSubmits waiting callers, submit and waitForRoom fail at once with PoolOverloadError', async () => {
    const pool = new AsyncPool({ concurrency: 1, maxQueue: 1, whenFull: 'wait', maxBlockedSubmits: 2 });
    const g = gate();
    const running = pool.submit(() => g.promise.then(() => 'first'));
    const queued = pool.submit(() => 'queued');
    const held = [pool.submit(() => 'held-1'), pool.submit(() => 'held-2')];
    expect(pool.blockedCount).toBe(2);
    const over = observe(pool.submit(() => 'over the cap'));
    const overRoom = observe(pool.waitForRoom());
    await sleep(0);
    expect(over.error).toBeInstanceOf(PoolOverloadError);
    expect((over.error as Error).message).toBe('too many callers waiting for queue room (maxBlockedSubmits 2)');
    expect(overRoom.error).toBeInstanceOf(PoolOverloadError);
    g.open();
    expect(await Promise.all([running, queued, ...held])).toEqual(['first', 'queued', 'held-1', 'held-2']);
    expect(pool.blockedCount).toBe(0);
  });

  it('AsyncPool: waitForRoom callers count toward the cap, and a freed place admits a waiter again', async () => {
    const pool = new AsyncPool({ concurrency: 1, maxQueue: 1, whenFull: 'wait', maxBlockedSubmits: 1 });
    const g = gate();
    const work = [pool.submit(() => g.promise), pool.submit(() => 2)];
    const room = observe(pool.waitForRoom());
    await expect(pool.submit(() => 3)).rejects.toBeInstanceOf(PoolOverloadError);
    g.open();
    await Promise.all(work);
    expect(room.settled && room.error === undefined).toBe(true);
    await expect(pool.submit(() => 4)).resolves.toBe(4);
  });

  it('AsyncPool: trySubmit rejects with QueueFullError when the queue is full even with whenFull "wait", and runs otherwise', async () => {
    const pool = new AsyncPool({ concurrency: 1, maxQueue: 1, whenFull: 'wait' });
    const g = gate();
    const first = pool.submit(() => g.promise.then(() => 1));
    const second = pool.trySubmit(() => 2); // room in the queue: accepted
    const full = observe(pool.trySubmit(() => 'never runs'));
    await sleep(0);
    expect(full.error).toBeInstanceOf(QueueFullError);
    expect(pool.blockedCount).toBe(0); // trySubmit never holds
    g.open();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    await expect(pool.trySubmit((x) => (x as number) + 1, 41)).resolves.toBe(42);
  });

  it('ThreadPool: trySubmit is refused when full, and submit past maxBlockedSubmits fails with PoolOverloadError', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename: taskModule, minThreads: 1, maxThreads: 1, maxQueue: 1, whenFull: 'wait', maxBlockedSubmits: 1 });
    try {
      const running = pool.submit(40, { name: 'nap' });
      const queued = pool.submit(1, { name: 'nap' });
      await expect(pool.trySubmit(2)).rejects.toBeInstanceOf(QueueFullError);
      const held = pool.submit(3);
      expect(pool.blockedCount).toBe(1);
      await expect(pool.submit(4)).rejects.toBeInstanceOf(PoolOverloadError);
      await expect(pool.waitForRoom()).rejects.toBeInstanceOf(PoolOverloadError);
      expect(await Promise.all([running, queued, held])).toEqual([40, 1, 6]);
      await expect(pool.trySubmit(5)).resolves.toBe(10);
    } finally {
      await pool.close();
    }
  });
});

describe('task groups', () => {
  it('AsyncPool: all() returns allSettled-shaped outcomes in submission order, whatever order they finish in', async () => {
    const pool = new AsyncPool({ concurrency: 4 });
    const group = pool.group();
    const boom = new Error('boom');
    group.submit(() => sleep(15).then(() => 'slow'));
    group.submit(() => Promise.reject(boom));
    group.submit(() => 'sync');
    group.submit(() => sleep(5).then(() => {
      throw new RangeError('late');
    }));
    group.submit(() => sleep(1).then(() => 42));
    const outcomes = await group.all();
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 'slow' });
    expect(outcomes[1]).toEqual({ status: 'rejected', reason: boom });
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: 'sync' });
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(RangeError);
    expect(outcomes[4]).toEqual({ status: 'fulfilled', value: 42 });
    expect(group.size).toBe(5);
  });

  it('AsyncPool: fail-fast aborts running siblings through their signals, removes queued ones unstarted, rejects with the first error', async () => {
    const pool = new AsyncPool({ concurrency: 2 });
    const group = pool.group({ failFast: true });
    const first = new Error('first failure');
    const failing = gate();
    let siblingSignal: AbortSignal | null = null;
    const started: string[] = [];
    const a = group.submit(() => (started.push('a'), failing.promise));
    const b = group.submit((_: unknown, ctx: TaskContext) => {
      started.push('b');
      siblingSignal = ctx.signal;
      return new Promise(() => {}); // never settles by itself: only the abort ends it
    });
    const c = group.submit(() => started.push('c'));
    const d = group.submit(() => started.push('d'));
    expect(pool.pendingCount).toBe(2);
    failing.fail(first);
    await expect(group.all()).rejects.toBe(first);
    expect(siblingSignal!.aborted).toBe(true);
    expect(started).toEqual(['a', 'b']);
    for (const sibling of [b, c, d]) {
      const error = await sibling.then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).reason).toBe(first);
    }
    await expect(a).rejects.toBe(first);
    expect(group.firstError).toBe(first);
    expect(pool.metrics()).toMatchObject({ aborted: 3, running: 0, queued: 0 });
    // A member submitted after the failure is refused at once, never run.
    await expect(group.submit(() => started.push('late'))).rejects.toBeInstanceOf(AbortError);
    expect(started).toEqual(['a', 'b']);
  });

  it('AsyncPool: a fail-fast group whose members all succeed resolves like all(); other pool tasks are untouched', async () => {
    const pool = new AsyncPool({ concurrency: 2 });
    const group = pool.group({ failFast: true });
    const outside = pool.submit(() => sleep(5).then(() => 'outside'));
    [1, 2, 3].forEach((n) => group.submit((x) => (x as number) * 10, n));
    expect((await group.all()).map((o) => (o as PromiseFulfilledResult<unknown>).value)).toEqual([10, 20, 30]);
    await expect(outside).resolves.toBe('outside');
  });

  it('ThreadPool: fail-fast aborts the running sibling inside its worker and queued siblings never start', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename: taskModule, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 2 });
    try {
      const flag = new Int32Array(new SharedArrayBuffer(16));
      const group = pool.group({ failFast: true });
      group.submit({ flag, index: 0 }, { name: 'hold' });
      group.submit({ ms: 30, message: 'thread boom' }, { name: 'failAfter' });
      const queued = [group.submit({ flag, index: 1 }, { name: 'mark' }), group.submit({ flag, index: 2 }, { name: 'mark' })];
      const error = await group.all().then(() => null, (e: unknown) => e);
      expect((error as Error).message).toBe('thread boom');
      for (const q of queued) await expect(q).rejects.toBeInstanceOf(AbortError);
      await waitFor(() => Atomics.load(flag, 0) === 2); // the worker saw the signal abort
      await pool.onIdle();
      expect([Atomics.load(flag, 1), Atomics.load(flag, 2)]).toEqual([0, 0]);
      expect(pool.metrics().aborted).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it('ThreadPool: all() keeps submission order with mixed results', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename: taskModule, maxThreads: 2 });
    try {
      const group = pool.group();
      group.submit(30, { name: 'nap' });
      group.submit('bad', { name: 'fail' });
      group.submit(21);
      const outcomes = await group.all();
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect([(outcomes[0] as PromiseFulfilledResult<unknown>).value, (outcomes[2] as PromiseFulfilledResult<unknown>).value]).toEqual([30, 42]);
      expect(((outcomes[1] as PromiseRejectedResult).reason as Error).message).toBe('bad');
    } finally {
      await pool.close();
    }
  });
});

describe('circuit breaker', () => {
  const failing = () => Promise.reject(new Error('downstream down'));

  it('AsyncPool: opens exactly when the window reaches minSamples and the failure ratio, then holds queued tasks', async () => {
    const changes: [BreakerState, BreakerState][] = [];
    const pool = new AsyncPool({
      concurrency: 1,
      breaker: { windowSize: 4, minSamples: 4, failureRatio: 0.5, coolDownMs: 10_000, onStateChange: (s, p) => changes.push([s, p]) },
    });
    await pool.submit(() => 'ok');
    await pool.submit(failing).catch(() => {});
    expect(pool.metrics().breaker).toEqual({ state: 'closed', opened: 0, failureRatio: 0.5, samples: 2 }); // too few samples
    await pool.submit(() => 'ok');
    expect(pool.metrics().breaker!.state).toBe('closed'); // 1 of 3
    await pool.submit(failing).catch(() => {});
    expect(pool.metrics().breaker).toMatchObject({ state: 'open', opened: 1 }); // 2 of 4 = 0.5
    expect(changes).toEqual([['open', 'closed']]);
    let ran = false;
    const waiting = observe(pool.submit(() => (ran = true)));
    await sleep(20);
    expect([ran, waiting.settled, pool.runningCount, pool.pendingCount]).toEqual([false, false, 0, 1]);
    await pool.destroy();
  });

  it('AsyncPool: half-open starts only halfOpenProbes tasks; a failing probe re-opens, succeeding probes close', async () => {
    const changes: BreakerState[] = [];
    const pool = new AsyncPool({
      concurrency: 5,
      breaker: { windowSize: 2, minSamples: 2, failureRatio: 1, coolDownMs: 20, halfOpenProbes: 2, onStateChange: (s) => changes.push(s) },
    });
    await Promise.allSettled([pool.submit(failing), pool.submit(failing)]);
    expect(changes).toEqual(['open']);
    const gates = Array.from({ length: 5 }, () => gate<string>());
    const started: number[] = [];
    const work = gates.map((g, i) => pool.submit(() => (started.push(i), g.promise)));
    for (const w of work) w.catch(() => {}); // outcomes are checked at the end
    await waitFor(() => changes.length === 2);
    expect(changes).toEqual(['open', 'half-open']);
    expect(started).toEqual([0, 1]); // two probes, not five
    gates[0]!.fail(new Error('probe failed'));
    await waitFor(() => changes.length === 3);
    expect(changes[2]).toBe('open');
    expect(pool.metrics().breaker!.opened).toBe(2);
    gates[1]!.open('late'); // a probe of the earlier phase: ignored, decides nothing
    await sleep(0);
    expect(pool.metrics().breaker!.state).toBe('open');
    await waitFor(() => changes.length === 4);
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]!.open('p1');
    gates[3]!.open('p2');
    await waitFor(() => changes.length === 5);
    expect(changes.slice(3)).toEqual(['half-open', 'closed']);
    expect(started).toEqual([0, 1, 2, 3, 4]); // closed: the rest start
    gates[4]!.open('rest');
    const outcomes = await Promise.allSettled(work);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
  });

  it('AsyncPool: through open, half-open and recovery every task settles exactly once and none is rejected by the breaker', async () => {
    let downstreamUp = false;
    const pool = new AsyncPool<number, number>({
      concurrency: 3,
      breaker: { windowSize: 6, minSamples: 6, failureRatio: 0.5, coolDownMs: 15, halfOpenProbes: 1 },
    });
    const settled = new Map<number, number>();
    const errors: unknown[] = [];
    const task = async (id: number) => {
      await sleep(1);
      if (!downstreamUp && id < 20) throw new Error(`down ${id}`);
      return id;
    };
    const total = 60;
    for (let id = 0; id < total; id++) {
      pool.run(task, id, (error, _result, arg) => {
        settled.set(arg, (settled.get(arg) ?? 0) + 1);
        if (error !== undefined) errors.push(error);
      });
    }
    await waitFor(() => pool.metrics().breaker!.opened >= 1);
    downstreamUp = true;
    await pool.onIdle();
    expect(settled.size).toBe(total);
    expect([...settled.values()].every((n) => n === 1)).toBe(true);
    expect(errors.every((e) => e instanceof Error && e.message.startsWith('down '))).toBe(true);
    const m = pool.metrics();
    expect(m.completed + m.failed).toBe(total);
    expect(m.failed).toBe(errors.length);
    expect(m.breaker!.state).toBe('closed');
  });

  it('ThreadPool: failures open the breaker, queued tasks wait through the cool-down, then a probe closes it', async () => {
    const changes: BreakerState[] = [];
    const pool = new ThreadPool<unknown, unknown>({
      filename: taskModule, minThreads: 1, maxThreads: 1,
      breaker: { windowSize: 2, minSamples: 2, failureRatio: 0.5, coolDownMs: 40, onStateChange: (s) => changes.push(s) },
    });
    try {
      await Promise.allSettled([pool.submit('x', { name: 'fail' }), pool.submit('y', { name: 'fail' })]);
      expect(pool.metrics().breaker).toMatchObject({ state: 'open', opened: 1 });
      const later = [1, 2, 3].map((n) => pool.submit(n));
      expect([pool.runningCount, pool.pendingCount]).toEqual([0, 3]);
      expect(await Promise.all(later)).toEqual([2, 4, 6]);
      expect(changes).toEqual(['open', 'half-open', 'closed']);
      expect(pool.metrics()).toMatchObject({ completed: 3, failed: 2 });
    } finally {
      await pool.close();
    }
  });
});

describe('bad options', () => {
  it('throw a TypeError or RangeError naming the option, the value and what is allowed', () => {
    expect(() => new AsyncPool({ maxBlockedSubmits: -1 })).toThrow('options.maxBlockedSubmits must be an integer ≥ 0 or Infinity; got -1');
    expect(() => new AsyncPool({ breaker: 'on' as never })).toThrow(
      'options.breaker must be an object { windowSize?, minSamples?, failureRatio?, coolDownMs?, halfOpenProbes?, onStateChange? }; got "on"',
    );
    expect(() => new AsyncPool({ breaker: { failureRatio: 0 } })).toThrow('options.breaker.failureRatio must be a number > 0 and ≤ 1; got 0');
    expect(() => new AsyncPool({ breaker: { failureRatio: 1.5 } })).toThrow(TypeError);
    expect(() => new AsyncPool({ breaker: { windowSize: 0 } })).toThrow('options.breaker.windowSize must be an integer ≥ 1; got 0');
    expect(() => new AsyncPool({ breaker: { windowSize: 5, minSamples: 6 } })).toThrow(
      new RangeError('options.breaker.minSamples must be ≤ breaker.windowSize (5); got 6'),
    );
    expect(() => new AsyncPool({ breaker: { coolDownMs: -1 } })).toThrow(
      new RangeError('options.breaker.coolDownMs must be a number of ms from 0 to 2147483647 (the largest timer delay) or Infinity (it stays open); got -1'),
    );
    expect(() => new AsyncPool({ breaker: { onStateChange: 3 as never } })).toThrow('options.breaker.onStateChange must be a function; got 3');
    expect(() => new AsyncPool().group({ failFast: 'yes' as never })).toThrow('options.failFast must be true or false; got "yes"');
    expect(() => new ThreadPool({ filename: taskModule, minThreads: 0, maxBlockedSubmits: 1.5 })).toThrow(
      'options.maxBlockedSubmits must be an integer ≥ 0 or Infinity; got 1.5',
    );
  });
});
