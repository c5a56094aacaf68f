// Run until settled: the settling rule on known runs, and the runner's loop on a small real scenario.
import { describe, expect, it } from 'vitest';
import { isSettled, runBench } from '../harness/run/runner.js';
import { registry } from '../impls/registry.js';
import { tinyScenario } from './helpers.js';
import type { RunRecord } from '../harness/results/schema.js';
import { sample } from './report-fixtures.js';

const runs = (walls: number[], problems: string[] = []): RunRecord[] =>
  walls.map((wallMs, runIndex) => ({ runIndex, state: 'measured', applied: { concurrency: 1, threads: 0, options: {} }, sample: sample(wallMs, 1), problems }));

describe('isSettled', () => {
  it('needs 6 clean runs before any 95 % interval of the median exists', () => {
    expect(isSettled(runs([100, 100, 100, 100, 100]), 0.05)).toBe(false);
    expect(isSettled(runs([100, 100, 100, 100, 100, 100]), 0.05)).toBe(true);
  });
  it('is settled when [min, max] of 6 runs is within ±precision of the median', () => {
    expect(isSettled(runs([96, 98, 100, 100, 102, 104]), 0.05)).toBe(true);
    expect(isSettled(runs([90, 98, 100, 100, 102, 104]), 0.05)).toBe(false);
  });
  it('with 9 runs, the 2nd and 8th values bound the median, so one outlier each side does not hold it back', () => {
    expect(isSettled(runs([60, 97, 98, 99, 100, 101, 102, 103, 150]), 0.05)).toBe(true);
  });
  it('counts only clean runs', () => {
    expect(isSettled(runs([100, 100, 100, 100, 100, 100], ['lost 1 task']), 0.05)).toBe(false);
    const failed: RunRecord[] = [{ runIndex: 0, state: 'failed', reason: 'x', elapsedMs: 1 }];
    expect(isSettled(failed, 0.05)).toBe(false);
  });
});

describe('runBench until settled', () => {
  // A small real scenario: 200 sleeps of 5 ms at 50 in flight, 20 ms of steady waves, so runs stay close.
  const scenario = tinyScenario({ tasks: 200, concurrency: 50, workload: { kind: 'sleep', ms: 5 }, producer: { style: 'window', outstanding: 100 }, warmup: { passes: 0, tasks: 0 } });

  it('gives a row more runs only until it settles, up to maxRuns, and records the target', async () => {
    const results = await runBench({
      scenario, runs: 2, contenders: [{ adapter: registry.semaphore }],
      adaptive: { precision: 0.5, maxRuns: 9, rowBudgetSeconds: 120 },
    });
    const impl = results.implementations[0]!;
    expect(impl.state).toBe('completed');
    // ±50 % is reached as soon as a median has a bound at all: 6 runs, never more.
    expect(impl.state === 'completed' && impl.runs.length).toBe(6);
    expect(results.adaptive).toEqual({ precision: 0.5, maxRuns: 9, rowBudgetSeconds: 120 });
    expect(results.analysis?.rows[0]).toMatchObject({ settled: true, runs: 6 });
  }, 60_000);

  it('stops at maxRuns for a target it cannot reach, and at the row budget, and says so', async () => {
    const capped = await runBench({
      scenario, runs: 1, contenders: [{ adapter: registry.semaphore }],
      adaptive: { precision: 0.000001, maxRuns: 3, rowBudgetSeconds: 120 },
    });
    expect(capped.implementations[0]!.state === 'completed' && capped.implementations[0]!.runs.length).toBe(3);
    expect(capped.analysis?.rows[0]).toMatchObject({ settled: false });
    const budget = await runBench({
      scenario, runs: 1, contenders: [{ adapter: registry.semaphore }],
      adaptive: { precision: 0.000001, maxRuns: 50, rowBudgetSeconds: 0.001 },
    });
    // The first `runs` rounds always run; after that the spent budget stops the row.
    expect(budget.implementations[0]!.state === 'completed' && budget.implementations[0]!.runs.length).toBe(1);
  }, 60_000);
});
