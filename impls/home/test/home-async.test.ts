import { describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  AsyncPool,
  PoolClosedError,
  PoolDestroyedError,
  QueueFullError,
  TimeoutError,
  type TaskContext,
} from '@poolbench/home';
import { TaskQueue, TripleFifo, type QueuedJob, type Triple } from '../src/task-queue.js';
import { gate, trackTimers } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


/** Counts how many tasks run at once. */
function tracker() {
  let running = 0;
  let peak = 0;
  return {
    task: async (ms: number) => {
      running++;
      peak = Math.max(peak, running);
      await sleep(ms);
      running--;
      return ms;
    },
    peak: () => peak,
  };
}


describe('TripleFifo', () => {
  it('keeps order across many chunk boundaries without Array#shift', () => {
    const fifo = new TripleFifo();
    const out: Triple = { a: undefined, b: undefined, c: undefined };
    const n = 1_000_000;
    for (let i = 0; i < n; i++) fifo.push(i, -i, 'x');
    expect(fifo.length).toBe(n);
    let ok = true;
    for (let i = 0; i < n / 2; i++) if (!fifo.shift(out) || out.a !== i || out.b !== -i) ok = false;
    for (let i = n; i < n + 5000; i++) fifo.push(i, -i, 'y');
    for (let i = n / 2; i < n + 5000; i++) if (!fifo.shift(out) || out.a !== i || out.b !== -i) ok = false;
    expect(ok).toBe(true);
    expect(fifo.shift(out)).toBe(false);
    expect(fifo.length).toBe(0);
  });
});

describe('TaskQueue', () => {
  type Named = QueuedJob & { name: string };
  const isNamed = (v: unknown): v is Named => typeof v === 'object' && v !== null && 'name' in v;
  const job = (priority: number, name: string, queuedAt = 0): Named => ({ priority, name, queuedAt, cancelled: false });
  const names = (q: TaskQueue<Named>, now = 0) => {
    const out: Triple = { a: undefined, b: undefined, c: undefined };
    const seen: string[] = [];
    while (q.shift(out, now)) seen.push(isNamed(out.a) ? out.a.name : String(out.b));
    return seen;
  };

  it('takes higher priority first, FIFO within a priority, and skips cancelled entries', () => {
    const q = new TaskQueue<Named>(isNamed);
    const jobs = [job(5, 'b'), job(5, 'd'), job(-1, 'e'), job(9, 'f')];
    q.push(() => 0, 'a', () => {});
    q.pushJob(jobs[0]!);
    q.push(() => 0, 'c', () => {});
    q.pushJob(jobs[1]!);
    q.pushJob(jobs[2]!);
    q.pushJob(jobs[3]!);
    q.cancel(jobs[1]!);
    expect(q.size).toBe(5);
    expect(names(q)).toEqual(['f', 'b', 'a', 'c', 'e']);
  });

  it('with aging, an old low-priority entry beats a newer high-priority one', () => {
    const q = new TaskQueue<Named>(isNamed, 10);
    q.pushJob(job(0, 'old-low', 0));
    q.pushJob(job(3, 'new-high', 95));
    // At t=100: old-low scores 0 + 100/10 = 10, new-high scores 3 + 5/10 = 3.5.
    expect(names(q, 100)).toEqual(['old-low', 'new-high']);
  });
});

describe('AsyncPool: concurrency', () => {
  it('never runs more than `concurrency` tasks at once', async () => {
    const t = tracker();
    const pool = new AsyncPool<number, number>({ concurrency: 3 });
    const results = await Promise.all(Array.from({ length: 20 }, () => pool.submit(t.task, 2)));
    expect(results).toHaveLength(20);
    expect(t.peak()).toBe(3);
  });

  it('can be raised and lowered while running', async () => {
    const pool = new AsyncPool<number, number>({ concurrency: 1 });
    const gates = Array.from({ length: 6 }, () => gate<number>());
    const promises = gates.map((g, i) => pool.submit(() => g.promise, i));
    expect(pool.runningCount).toBe(1);
    pool.setConcurrency(4);
    expect(pool.runningCount).toBe(4);
    pool.setConcurrency(2);
    expect(pool.runningCount).toBe(4); // running tasks are never interrupted
    gates.slice(0, 3).forEach((g, i) => g.open(i));
    await sleep(0);
    expect(pool.runningCount).toBe(2); // 3 finished, only 1 more started: now capped at 2
    gates.forEach((g, i) => g.open(i));
    await Promise.all(promises);
  });

  it('rejects bad options with a TypeError naming the option', () => {
    expect(() => new AsyncPool({ concurrency: 0 })).toThrow(new TypeError('options.concurrency must be an integer ≥ 1; got 0'));
    expect(() => new AsyncPool({ maxQueue: -1 })).toThrow('options.maxQueue must be an integer ≥ 0 or Infinity; got -1');
    expect(() => new AsyncPool({ whenFull: 'drop' as 'wait' })).toThrow('options.whenFull must be "reject" or "wait"; got "drop"');
    expect(() => new AsyncPool({ retry: { retries: 2, factor: 0.5 } })).toThrow('options.retry.factor must be a number ≥ 1; got 0.5');
  });
});

describe('AsyncPool: bounded queue', () => {
  it('rejects with QueueFullError when full and whenFull is "reject"', async () => {
    const pool = new AsyncPool({ concurrency: 1, maxQueue: 2 });
    const g = gate();
    const accepted = [pool.submit(() => g.promise), pool.submit(() => 1), pool.submit(() => 2)];
    await expect(pool.submit(() => 3)).rejects.toBeInstanceOf(QueueFullError);
    g.open();
    await Promise.all(accepted);
  });

  it('holds the submission until there is room when whenFull is "wait"', async () => {
    const pool = new AsyncPool<number, number>({ concurrency: 1, maxQueue: 1, whenFull: 'wait' });
    const g = gate<number>();
    const order: number[] = [];
    const record = (n: number) => {
      order.push(n);
      return n;
    };
    const all = [pool.submit(() => g.promise.then(() => record(0))), pool.submit(record, 1), pool.submit(record, 2), pool.submit(record, 3)];
    expect(pool.pendingCount).toBe(3); // 1 queued + 2 held
    g.open(0);
    expect(await Promise.all(all)).toEqual([0, 1, 2, 3]);
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('waitForRoom resolves once a queued task has started', async () => {
    const pool = new AsyncPool({ concurrency: 1, maxQueue: 1 });
    const g = gate();
    void pool.submit(() => g.promise);
    void pool.submit(() => 1);
    let roomy = false;
    const room = pool.waitForRoom().then(() => (roomy = true));
    await sleep(1);
    expect(roomy).toBe(false);
    g.open();
    await room;
    expect(roomy).toBe(true);
  });
});

describe('AsyncPool: shutdown', () => {
  it('close() stops accepting, drains queued and running tasks, then resolves', async () => {
    const pool = new AsyncPool<number, number>({ concurrency: 2 });
    const done: number[] = [];
    const all = [1, 2, 3, 4, 5].map((n) => pool.submit(async (x: number) => (await sleep(2), done.push(x), x), n));
    const closed = pool.close();
    await expect(pool.submit(() => 6)).rejects.toBeInstanceOf(PoolClosedError);
    await closed;
    expect(done.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5]);
  });

  it('destroy() rejects queued tasks with PoolDestroyedError and aborts running ones', async () => {
    const pool = new AsyncPool({ concurrency: 1 });
    let signal: AbortSignal | undefined;
    const running = pool.submit((_: unknown, ctx: TaskContext) => {
      signal = ctx.signal;
      return new Promise(() => {});
    });
    const queued = pool.submit(() => 'never');
    await pool.destroy();
    await expect(running).rejects.toBeInstanceOf(PoolDestroyedError);
    await expect(queued).rejects.toBeInstanceOf(PoolDestroyedError);
    expect(signal?.aborted).toBe(true);
    expect(pool.runningCount + pool.pendingCount).toBe(0);
  });

  it('leaves no timer behind after close, even with timeouts and retries configured', async () => {
    const timers = trackTimers();
    const pool = new AsyncPool<number, number>({ concurrency: 4, timeoutMs: 1000, retry: { retries: 2, delayMs: 1 } });
    let tries = 0;
    const flaky = async (n: number) => {
      if (n === 0 && ++tries < 3) throw new Error('flaky');
      return n;
    };
    await Promise.all([0, 1, 2, 3, 4, 5].map((n) => pool.submit(flaky, n)));
    await pool.close();
    timers.stop();
    expect(timers.created()).toBeGreaterThanOrEqual(6 + 2); // a timeout per try, a backoff per retry
    expect(timers.live()).toBe(0);
  });
});

describe('AsyncPool: errors and results', () => {
  it('a throwing or rejecting task rejects its own promise, calls onError, and the rest carry on', async () => {
    const onError = vi.fn();
    const onResult = vi.fn();
    const pool = new AsyncPool<number, number>({ concurrency: 2, onError, onResult });
    const outcomes = await Promise.allSettled([
      pool.submit(() => {
        throw new Error('sync throw');
      }),
      pool.submit(async () => Promise.reject(new Error('async reject'))),
      pool.submit(async (n: number) => n * 2, 21),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(onError).toHaveBeenCalledTimes(2);
    expect(onError.mock.calls.map((c) => (c[0] as Error).message)).toEqual(['sync throw', 'async reject']);
    expect(onResult).toHaveBeenCalledWith(42, 21);
    expect(pool.metrics()).toMatchObject({ submitted: 3, completed: 1, failed: 2, running: 0, queued: 0 });
  });

  it('run() calls back once per task with the argument, so one callback serves all', async () => {
    const pool = new AsyncPool<number, number>({ concurrency: 3 });
    const seen = new Map<number, number>();
    await new Promise<void>((resolve) => {
      let left = 50;
      const callback = (error: unknown, result: number | undefined, arg: number) => {
        expect(error).toBeUndefined();
        seen.set(arg, (seen.get(arg) ?? 0) + result!);
        if (--left === 0) resolve();
      };
      for (let i = 0; i < 50; i++) pool.run(async (x: number) => x * 10, i, callback);
    });
    expect([...seen.entries()].every(([arg, sum]) => sum === arg * 10)).toBe(true);
    expect(seen.size).toBe(50);
  });

  it('map() yields results in input order with at most N in flight', async () => {
    const pool = new AsyncPool<number, number>({ concurrency: 100 });
    let inFlight = 0;
    let peak = 0;
    const work = async (n: number) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep((n * 7) % 5);
      inFlight--;
      return n * n;
    };
    const out: number[] = [];
    for await (const value of pool.map([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], work, { concurrency: 3 })) out.push(value);
    expect(out).toEqual([1, 4, 9, 16, 25, 36, 49, 64, 81, 100]);
    expect(peak).toBeLessThanOrEqual(3);
  });
});

describe('AsyncPool: timeout', () => {
  it('rejects with TimeoutError and aborts the task signal', async () => {
    const pool = new AsyncPool({ concurrency: 1 });
    let signal: AbortSignal | undefined;
    const slow = pool.submit((_: unknown, ctx: TaskContext) => {
      signal = ctx.signal;
      return sleep(200);
    }, undefined, { timeoutMs: 5 });
    await expect(slow).rejects.toBeInstanceOf(TimeoutError);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(TimeoutError);
    expect(pool.metrics().timedOut).toBe(1);
  });

  it('applies the pool default and frees the slot for the next task', async () => {
    const pool = new AsyncPool({ concurrency: 1, timeoutMs: 5 });
    const stuck = pool.submit(() => new Promise(() => {}));
    const next = pool.submit(() => 'ran');
    await expect(stuck).rejects.toThrow('task timed out after 5 ms');
    await expect(next).resolves.toBe('ran');
  });
});

describe('AsyncPool: retry', () => {
  it('retries up to the count with exponential backoff', async () => {
    vi.useFakeTimers();
    try {
      const pool = new AsyncPool({ concurrency: 1, retry: { retries: 3, delayMs: 100, factor: 2 } });
      const attempts: number[] = [];
      const started = Date.now();
      const p = pool.submit((_: unknown, ctx: TaskContext) => {
        attempts.push(Date.now() - started);
        if (ctx.attempt < 4) throw new Error(`try ${ctx.attempt}`);
        return 'finally';
      });
      await vi.runAllTimersAsync();
      await expect(p).resolves.toBe('finally');
      expect(attempts).toEqual([0, 100, 300, 700]);
      expect(pool.metrics()).toMatchObject({ retried: 3, completed: 1, failed: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up after the count and rejects with the last error', async () => {
    const pool = new AsyncPool({ concurrency: 1, retry: 2 });
    let tries = 0;
    await expect(pool.submit(() => Promise.reject(new Error(`fail ${++tries}`)))).rejects.toThrow('fail 3');
  });

  it('asks the predicate which errors are retryable', async () => {
    const pool = new AsyncPool({ concurrency: 1, retry: { retries: 5, retryOn: (e) => (e as Error).message === 'transient' } });
    let tries = 0;
    await expect(
      pool.submit(() => {
        tries++;
        throw new Error(tries < 3 ? 'transient' : 'permanent');
      }),
    ).rejects.toThrow('permanent');
    expect(tries).toBe(3);
  });

  it('does not retry a timeout unless retryTimeouts is set', async () => {
    const noRetry = new AsyncPool({ concurrency: 1, retry: 3, timeoutMs: 2 });
    let a = 0;
    await expect(noRetry.submit(() => (a++, sleep(50)))).rejects.toBeInstanceOf(TimeoutError);
    expect(a).toBe(1);

    const withRetry = new AsyncPool({ concurrency: 1, retry: { retries: 3, retryTimeouts: true }, timeoutMs: 2 });
    let b = 0;
    await expect(withRetry.submit(() => (b++ < 2 ? sleep(50) : 'third time'))).resolves.toBe('third time');
    expect(b).toBe(3);
  });
});

describe('AsyncPool: priority', () => {
  it('runs higher priority first and FIFO within a priority', async () => {
    const pool = new AsyncPool<string, string>({ concurrency: 1 });
    const g = gate<string>();
    const order: string[] = [];
    const note = (name: string) => (order.push(name), name);
    const first = pool.submit(() => g.promise);
    const rest = [
      pool.submit(note, 'low-1', { priority: -1 }),
      pool.submit(note, 'mid-1'),
      pool.submit(note, 'high-1', { priority: 5 }),
      pool.submit(note, 'mid-2'),
      pool.submit(note, 'high-2', { priority: 5 }),
    ];
    g.open('first');
    await Promise.all([first, ...rest]);
    expect(order).toEqual(['high-1', 'high-2', 'mid-1', 'mid-2', 'low-1']);
  });

  /**
   * A stream of 20 priority-3 tasks, each submitting the next, plus one priority-0 task queued early.
   * Without aging the low task would wait for the whole stream. Returns the start order.
   */
  async function starvationRun(pool: AsyncPool<string, string>): Promise<string[]> {
    const order: string[] = [];
    const all: Promise<string>[] = [];
    let highs = 0;
    const high = async (name: string) => {
      order.push(name);
      if (++highs < 20) all.push(pool.submit(high, `high-${highs}`, { priority: 3 }));
      await sleep(2);
      return name;
    };
    all.push(pool.submit(high, 'high-0', { priority: 3 }));
    all.push(pool.submit(async (name: string) => (order.push(name), name), 'low', { priority: 0 }));
    while (highs < 20 || pool.runningCount + pool.pendingCount > 0) await sleep(5);
    await Promise.all(all);
    return order;
  }

  it('with agingMs, a long-waiting low-priority task is not starved', async () => {
    const order = await starvationRun(new AsyncPool<string, string>({ concurrency: 1, agingMs: 5 }));
    expect(order).toHaveLength(21);
    // 'low' needs 3 × 5 ms of waiting to outrank a fresh priority-3 task: it runs mid-stream, not last.
    expect(order.indexOf('low')).toBeGreaterThan(1);
    expect(order.indexOf('low')).toBeLessThan(order.length - 1);
  });

  it('without aging, the same stream runs the low-priority task last', async () => {
    const order = await starvationRun(new AsyncPool<string, string>({ concurrency: 1 }));
    expect(order.indexOf('low')).toBe(order.length - 1);
  });
});

describe('AsyncPool: cancellation', () => {
  it('removes a queued task when its signal aborts; it never runs', async () => {
    const pool = new AsyncPool({ concurrency: 1 });
    const g = gate();
    const controller = new AbortController();
    let ran = false;
    const blocker = pool.submit(() => g.promise);
    const queued = pool.submit(() => (ran = true), undefined, { signal: controller.signal });
    controller.abort('changed my mind');
    await expect(queued).rejects.toBeInstanceOf(AbortError);
    expect(pool.pendingCount).toBe(0);
    g.open();
    await blocker;
    await pool.onIdle();
    expect(ran).toBe(false);
    expect(pool.metrics().aborted).toBe(1);
  });

  it('aborts a running task\'s signal and rejects it', async () => {
    const pool = new AsyncPool({ concurrency: 1 });
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const running = pool.submit((_: unknown, ctx: TaskContext) => {
      seen = ctx.signal;
      return new Promise(() => {});
    }, undefined, { signal: controller.signal });
    await sleep(0);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
    expect(seen?.aborted).toBe(true);
    await expect(pool.submit(() => 'slot is free')).resolves.toBe('slot is free');
  });

  it('rejects at once when the signal is already aborted', async () => {
    const pool = new AsyncPool({ concurrency: 1 });
    await expect(pool.submit(() => 1, undefined, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
  });
});

describe('AsyncPool: metrics', () => {
  it('counts outcomes and records wait and run percentiles when asked', async () => {
    const pool = new AsyncPool<number, number>({ concurrency: 2, trackLatency: true });
    await Promise.allSettled([1, 2, 3, 4].map((n) => pool.submit(async (x: number) => (await sleep(3), x), n)));
    const m = pool.metrics();
    expect(m).toMatchObject({ submitted: 4, completed: 4, failed: 0, running: 0, queued: 0 });
    expect(m.runTime?.count).toBe(4);
    expect(m.runTime!.p50).toBeGreaterThanOrEqual(2);
    expect(m.waitTime?.count).toBe(4);
    expect(m.waitTime!.max).toBeGreaterThan(m.waitTime!.min); // the last two waited for the first two
  });
});
