import { describe, expect, it, vi } from 'vitest';
import {
  AbortError,
  PoolClosedError,
  PoolDestroyedError,
  ThreadPool,
  TimeoutError,
  WorkerCrashError,
} from '@poolbench/home';
import { threadTasks as filename, trackTimers } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Where = { threadId: number; running: number };

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await sleep(5);
  }
}

describe('ThreadPool: running tasks', () => {
  it('runs the default export and named exports, returning results per task', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 2, maxThreads: 2 });
    try {
      expect(await Promise.all([1, 2, 3].map((n) => pool.submit(n)))).toEqual([2, 4, 6]);
      expect(await pool.submit('hi', { name: 'record' })).toBe('hi');
    } finally {
      await pool.close();
    }
  });

  it('keeps threads × tasks per worker in flight, never more in one worker', async () => {
    const pool = new ThreadPool<number, Where>({ filename, minThreads: 2, maxThreads: 2, concurrentTasksPerWorker: 3 });
    let peakRunning = 0;
    const tasks = Array.from({ length: 30 }, () =>
      pool.submit(5, { name: 'whereAmI' }).then((r) => {
        peakRunning = Math.max(peakRunning, pool.runningCount);
        return r;
      }),
    );
    await waitFor(() => pool.runningCount > 0);
    expect(pool.runningCount).toBe(6);
    const results = await Promise.all(tasks);
    expect(Math.max(...results.map((r) => r.running))).toBe(3);
    expect(new Set(results.map((r) => r.threadId)).size).toBe(2);
    expect(peakRunning).toBeLessThanOrEqual(6);
    await pool.close();
  });

  it('yields map() results in input order', async () => {
    const pool = new ThreadPool<number, number>({ filename, maxThreads: 2 });
    const out: number[] = [];
    for await (const value of pool.map([5, 4, 3, 2, 1], { concurrency: 2 })) out.push(value);
    expect(out).toEqual([10, 8, 6, 4, 2]);
    await pool.close();
  });

  it('rejects bad options with a TypeError naming the option', () => {
    expect(() => new ThreadPool({ filename, maxThreads: 0 })).toThrow('options.maxThreads must be an integer ≥ 1; got 0');
    expect(() => new ThreadPool({ filename, minThreads: 3, maxThreads: 2 })).toThrow('options.minThreads must be ≤ maxThreads (2); got 3');
    expect(() => new ThreadPool({ filename: 42 as unknown as string })).toThrow('options.filename must be a path or file: URL of the task module; got 42');
  });
});

describe('ThreadPool: dynamic threads', () => {
  it('grows to maxThreads under queue pressure and shrinks to minThreads after the idle timeout', async () => {
    const pool = new ThreadPool<number, number>({ filename, minThreads: 1, maxThreads: 3, idleTimeoutMs: 30 });
    expect(pool.threads).toBe(1);
    const work = Array.from({ length: 9 }, () => pool.submit(20, { name: 'nap' }));
    expect(pool.threads).toBe(3);
    const threadIds = new Set(await Promise.all(work));
    expect(threadIds.size).toBe(3);
    await waitFor(() => pool.threads === 1);
    expect(pool.threads).toBe(1);
    await pool.close();
  });

  it('changes threads and tasks per worker while running', async () => {
    const pool = new ThreadPool<number, Where>({ filename, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 1 });
    const first = Array.from({ length: 8 }, () => pool.submit(30, { name: 'whereAmI' }));
    await waitFor(() => pool.runningCount === 1);
    pool.setConcurrency({ maxThreads: 2, concurrentTasksPerWorker: 2 });
    expect(pool.runningCount).toBe(4);
    expect(pool.threads).toBe(2);
    const results = await Promise.all(first);
    expect(Math.max(...results.map((r) => r.running))).toBe(2);
    await pool.close();
  });
});

describe('ThreadPool: shutdown', () => {
  it('close() drains queued and running tasks, then stops every thread', async () => {
    const pool = new ThreadPool<number, number>({ filename, minThreads: 2, maxThreads: 2 });
    const work = Array.from({ length: 6 }, (_, i) => pool.submit(i));
    const closed = pool.close();
    await expect(pool.submit(1)).rejects.toBeInstanceOf(PoolClosedError);
    await closed;
    expect(await Promise.all(work)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(pool.threads).toBe(0);
  });

  it('destroy() rejects queued and running tasks with PoolDestroyedError and stops every thread', async () => {
    const pool = new ThreadPool<number, number>({ filename, minThreads: 1, maxThreads: 1 });
    const running = pool.submit(200, { name: 'nap' });
    const queued = pool.submit(200, { name: 'nap' });
    const outcomes = Promise.allSettled([running, queued]);
    await waitFor(() => pool.runningCount === 1);
    await pool.destroy();
    const [r, q] = await outcomes;
    expect(r).toMatchObject({ status: 'rejected', reason: expect.any(PoolDestroyedError) });
    expect(q).toMatchObject({ status: 'rejected', reason: expect.any(PoolDestroyedError) });
    expect(pool.threads).toBe(0);
  });

  it('close leaves no timer, and idle threads do not keep the process alive', async () => {
    const timers = trackTimers();
    try {
      const pool = new ThreadPool<number, number>({ filename, minThreads: 1, maxThreads: 2, idleTimeoutMs: 10_000, timeoutMs: 5000 });
      await Promise.all([1, 2, 3, 4].map((n) => pool.submit(n)));
      await pool.onIdle();
      expect(process.getActiveResourcesInfo()).not.toContain('Worker'); // idle threads are unref'd
      expect(timers.created()).toBeGreaterThan(0); // task timeouts (and an idle timer) were armed
      await pool.close();
      expect(timers.live()).toBe(0);
      expect(pool.threads).toBe(0);
    } finally {
      timers.stop();
    }
  });
});

describe('ThreadPool: errors', () => {
  it('a throwing or rejecting task rejects its own promise with its name and message; the rest carry on', async () => {
    const onError = vi.fn();
    const pool = new ThreadPool<unknown, unknown>({ filename, maxThreads: 2, onError });
    const outcomes = await Promise.allSettled([
      pool.submit('bad input', { name: 'fail' }),
      pool.submit('later', { name: 'rejectLater' }),
      pool.submit(21),
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { name: 'RangeError', message: 'bad input' } });
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { message: 'later' } });
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: 42 });
    expect(onError).toHaveBeenCalledTimes(2);
    expect(pool.metrics()).toMatchObject({ submitted: 3, completed: 1, failed: 2 });
    await pool.close();
  });

  it('a crashed worker is replaced; its in-flight tasks reject with WorkerCrashError and the pool keeps serving', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 3 });
    const neighbour = pool.submit(500, { name: 'nap' });
    const crasher = pool.submit(null, { name: 'crash' });
    await expect(crasher).rejects.toBeInstanceOf(WorkerCrashError);
    await expect(neighbour).rejects.toThrow(/worker crashed: exited with code 7/);
    expect(await pool.submit(5)).toBe(10);
    expect(pool.threads).toBe(1);
    await pool.close();
  });

  it('retries a task lost to a crash when retry is configured', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1 });
    let crashes = 0;
    const result = pool.submit(null, {
      name: 'crash',
      retry: { retries: 2, retryOn: (e) => e instanceof WorkerCrashError && ++crashes < 99 },
    });
    await expect(result).rejects.toBeInstanceOf(WorkerCrashError);
    expect(crashes).toBe(2); // asked after each of the first two crashes; the third exceeded the count
    expect(pool.metrics().retried).toBe(2);
    await pool.close();
  });
});

describe('ThreadPool: timeout', () => {
  it('rejects a slow async task with TimeoutError without recycling a responsive worker', async () => {
    const pool = new ThreadPool<number, number>({ filename, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 2 });
    const before = await pool.submit(1, { name: 'nap' });
    await expect(pool.submit(5000, { name: 'nap', timeoutMs: 20 })).rejects.toBeInstanceOf(TimeoutError);
    await sleep(150);
    expect(await pool.submit(1, { name: 'nap' })).toBe(before); // same thread
    expect(pool.metrics().timedOut).toBe(1);
    await pool.destroy();
  });

  it('never hands a timed-out task\'s late result to the task that reuses its id', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 1 });
    await pool.submit(1); // the worker is up, so the next task really runs (and answers its cancel at once)
    await expect(pool.submit(3000, { name: 'nap', timeoutMs: 20 })).rejects.toBeInstanceOf(TimeoutError);
    const cancelledAt = Date.now();
    await waitFor(() => pool.runningCount === 0 && pool.metrics().timedOut === 1);
    // The worker's cancel ack frees the id; the nap's result, 3 s later, must not reach the task that reuses it.
    expect(await pool.submit('fresh', { name: 'record' })).toBe('fresh');
    expect(Date.now() - cancelledAt).toBeLessThan(2500); // it did not wait for the nap to end
    await pool.destroy();
  });

  it('recycles the worker of a task still burning CPU past its timeout', async () => {
    const pool = new ThreadPool<number, number>({ filename, minThreads: 1, maxThreads: 1, recycleAfterMs: 50 });
    const before = await pool.submit(1, { name: 'nap' });
    await expect(pool.submit(3000, { name: 'spin', timeoutMs: 30 })).rejects.toBeInstanceOf(TimeoutError);
    const after = await pool.submit(1, { name: 'nap' });
    expect(after).not.toBe(before); // a new thread serves the next task
    await pool.close();
  });
});

describe('ThreadPool: retry', () => {
  it('retries with the count and predicate; succeeds once the task stops failing', async () => {
    const pool = new ThreadPool<unknown, string>({ filename, minThreads: 1, maxThreads: 1, retry: { retries: 3 } });
    await expect(pool.submit({ key: 'a', times: 2 }, { name: 'flaky' })).resolves.toBe('ok after 3');
    await expect(pool.submit({ key: 'b', times: 5 }, { name: 'flaky' })).rejects.toThrow('attempt 4 failed');
    const picky = pool.submit({ key: 'c', times: 5 }, { name: 'flaky', retry: { retries: 5, retryOn: () => false } });
    await expect(picky).rejects.toThrow('attempt 1 failed');
    await pool.close();
  });
});

describe('ThreadPool: priority and cancellation', () => {
  it('runs higher priority first, FIFO within a priority', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1 });
    const order: string[] = [];
    const blocker = pool.submit(30, { name: 'nap' });
    const labels = [
      ['low', -1],
      ['mid-1', 0],
      ['high-1', 5],
      ['mid-2', 0],
      ['high-2', 5],
    ] as const;
    await Promise.all([
      blocker,
      ...labels.map(([label, priority]) => pool.submit(label, { name: 'record', priority }).then((r) => order.push(r as string))),
    ]);
    expect(order).toEqual(['high-1', 'high-2', 'mid-1', 'mid-2', 'low']);
    await pool.close();
  });

  it('removes a queued task when aborted, and aborts a running task\'s signal inside the worker', async () => {
    const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 1 });
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const runningController = new AbortController();
    const queuedController = new AbortController();
    const running = pool.submit(flag, { name: 'waitForAbort', signal: runningController.signal });
    const queued = pool.submit('never', { name: 'record', signal: queuedController.signal });
    await waitFor(() => pool.runningCount === 1);
    queuedController.abort();
    await expect(queued).rejects.toBeInstanceOf(AbortError);
    expect(pool.pendingCount).toBe(0);
    runningController.abort();
    await expect(running).rejects.toBeInstanceOf(AbortError);
    await waitFor(() => Atomics.load(flag, 0) === 1);
    expect(Atomics.load(flag, 0)).toBe(1);
    expect(await pool.submit(4)).toBe(8);
    expect(pool.metrics().aborted).toBe(2);
    await pool.close();
  });
});

describe('ThreadPool: metrics', () => {
  it('counts outcomes, reports latency percentiles and thread utilization', async () => {
    const pool = new ThreadPool<number, number>({ filename, minThreads: 2, maxThreads: 2, trackLatency: true });
    await Promise.all([20, 20, 20, 20].map((ms) => pool.submit(ms, { name: 'nap' })));
    const m = pool.metrics();
    expect(m).toMatchObject({ submitted: 4, completed: 4, failed: 0, running: 0, queued: 0 });
    expect(m.runTime?.count).toBe(4);
    expect(m.runTime!.p50).toBeGreaterThanOrEqual(15);
    expect(m.utilization).toBeGreaterThan(0);
    expect(m.utilization).toBeLessThanOrEqual(1);
    await pool.close();
  });
});
