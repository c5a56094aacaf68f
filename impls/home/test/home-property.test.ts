// Property-based tests: random mixes of successes, errors, timeouts, aborts, priorities and a mid-run close().
// Every submitted task must settle exactly once, the queue must always start the highest-priority (then oldest)
// waiting task, and nothing may be left running or scheduled afterwards.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AsyncPool, ThreadPool } from '@poolbench/home';
import { threadTasks, trackTimers } from './helpers.js';

const realSetTimeout = setTimeout;
const wait = (ms: number) => new Promise<void>((resolve) => realSetTimeout(resolve, ms));

type Kind = 'ok' | 'throw' | 'reject' | 'hang';
interface Spec {
  kind: Kind;
  ms: number;
  priority: number;
  timeoutMs: number | undefined;
  abortAfterMs: number | undefined;
}

const spec: fc.Arbitrary<Spec> = fc.record({
  kind: fc.constantFrom<Kind>('ok', 'ok', 'ok', 'throw', 'reject', 'hang'),
  ms: fc.integer({ min: 0, max: 3 }),
  priority: fc.integer({ min: -2, max: 2 }),
  timeoutMs: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
  abortAfterMs: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
});

describe('AsyncPool under random workloads', () => {
  it('settles every task exactly once, keeps priority order across resizes, and leaves nothing behind', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(spec, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.array(fc.record({ at: fc.nat(), to: fc.integer({ min: 1, max: 4 }) }), { maxLength: 4 }),
        async (specs, concurrency, closeAtRaw, resizes) => {
          const timers = trackTimers();
          const pool = new AsyncPool<number, number>({ concurrency });
          const closeAt = closeAtRaw === undefined ? undefined : closeAtRaw % specs.length;
          const settled = new Array<number>(specs.length).fill(0);
          const state = new Array<'waiting' | 'started' | 'settled' | 'refused'>(specs.length).fill('waiting');
          const violations: string[] = [];
          let closed: Promise<void> | undefined;
          let submitted = 0;

          const task = (i: number): Promise<number> | number => {
            // At the moment i starts, no waiting task may outrank it: higher priority, or equal and older.
            for (let j = 0; j < submitted; j++) {
              if (j === i || state[j] !== 'waiting') continue;
              const pj = specs[j]!.priority;
              const pi = specs[i]!.priority;
              if (pj > pi || (pj === pi && j < i)) violations.push(`task ${i} (p${pi}) started before waiting task ${j} (p${pj})`);
            }
            state[i] = 'started';
            const s = specs[i]!;
            if (s.kind === 'throw') throw new Error(`throw ${i}`);
            if (s.kind === 'hang') return new Promise<number>(() => {});
            return wait(s.ms).then(() => {
              if (s.kind === 'reject') throw new Error(`reject ${i}`);
              return i;
            });
          };
          const callback = (_error: unknown, _result: number | undefined, i: number) => {
            settled[i]!++;
            if (state[i] !== 'refused') state[i] = 'settled';
          };

          for (let i = 0; i < specs.length; i++) {
            for (const r of resizes) if (r.at % specs.length === i) pool.setConcurrency(r.to);
            if (i === closeAt) closed = pool.close();
            const s = specs[i]!;
            if (closed) state[i] = 'refused'; // submitted after close(): rejected, never queued
            const controller = s.abortAfterMs === undefined ? undefined : new AbortController();
            if (controller) realSetTimeout(() => controller.abort(), s.abortAfterMs);
            submitted = i + 1;
            // Hanging tasks always get a timeout, so the pool can finish.
            const timeoutMs = s.kind === 'hang' ? (s.timeoutMs ?? 5) : s.timeoutMs;
            pool.run(task, i, callback, {
              priority: s.priority,
              ...(timeoutMs === undefined ? {} : { timeoutMs }),
              ...(controller ? { signal: controller.signal } : {}),
            });
          }
          await (closed ?? pool.close());
          await wait(1); // refusals settle on a microtask; late outcomes of dropped tasks must change nothing
          timers.stop();

          expect(violations).toEqual([]);
          expect(settled.every((n) => n === 1)).toBe(true);
          expect(pool.runningCount).toBe(0);
          expect(pool.pendingCount).toBe(0);
          expect(timers.live()).toBe(0);
          const m = pool.metrics();
          expect(m.completed + m.failed).toBe(specs.length);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});

describe('ThreadPool under random workloads', () => {
  const filename = threadTasks;

  it('settles every task exactly once across resizes and stops every thread on close', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            name: fc.constantFrom('nap', 'nap', 'fail', 'rejectLater', 'record'),
            priority: fc.integer({ min: -1, max: 1 }),
            timeoutMs: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
            abortAfterMs: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        fc.option(fc.record({ at: fc.nat(), perWorker: fc.integer({ min: 1, max: 3 }), maxThreads: fc.integer({ min: 1, max: 2 }) }), { nil: undefined }),
        async (specs, threads, perWorker, resize) => {
          const pool = new ThreadPool<unknown, unknown>({ filename, minThreads: 1, maxThreads: threads, concurrentTasksPerWorker: perWorker });
          const settled = new Array<number>(specs.length).fill(0);
          specs.forEach((s, i) => {
            if (resize && resize.at % specs.length === i) {
              pool.setConcurrency({ concurrentTasksPerWorker: resize.perWorker, maxThreads: resize.maxThreads });
            }
            const controller = s.abortAfterMs === undefined ? undefined : new AbortController();
            if (controller) realSetTimeout(() => controller.abort(), s.abortAfterMs);
            const arg = s.name === 'nap' ? 3 : s.name === 'record' ? `r${i}` : `e${i}`;
            pool.run(arg, () => settled[i]!++, {
              name: s.name,
              priority: s.priority,
              ...(s.timeoutMs === undefined ? {} : { timeoutMs: s.timeoutMs }),
              ...(controller ? { signal: controller.signal } : {}),
            });
          });
          await pool.close();
          await wait(5);
          expect(settled.every((n) => n === 1)).toBe(true);
          expect(pool.threads).toBe(0);
          expect(pool.runningCount + pool.pendingCount).toBe(0);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
