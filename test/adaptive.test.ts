// Run until settled: the settling rule on known runs, and the runner's loop on a small real scenario.
import { describe, expect, it } from 'vitest';
import { isSettled } from '../harness/run/runner.js';
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
