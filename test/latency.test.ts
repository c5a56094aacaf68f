import { createHistogram } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createProbe } from '../scenarios/workloads/task.js';
import { LatencyRecorder, percentilesOf, sampleEveryFor, TARGET_SAMPLES } from '../harness/measure/latency.js';

/** Within the histogram's 3 significant digits. */
function near(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.001 + 1e-6);
}

describe('percentilesOf', () => {
  it('gives the known percentiles of 1..10000 ms', () => {
    const h = createHistogram();
    for (let ms = 1; ms <= 10_000; ms++) h.record(ms * 1e6);
    const p = percentilesOf(h);
    near(p.p50, 5000);
    near(p.p90, 9000);
    near(p.p99, 9900);
    near(p.p999, 9990);
    near(p.max, 10_000);
  });

  it('puts a single outlier at the max and leaves p99 with the bulk', () => {
    const h = createHistogram();
    for (let i = 0; i < 999; i++) h.record(2e6);
    h.record(500e6);
    const p = percentilesOf(h);
    near(p.p50, 2);
    near(p.p99, 2);
    near(p.max, 500);
  });

  it('reports zeros for an empty histogram instead of NaN', () => {
    expect(percentilesOf(createHistogram())).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  });
});

describe('sampleEveryFor', () => {
  it('records every task while the count is within the target', () => {
    expect(sampleEveryFor(TARGET_SAMPLES)).toBe(1);
  });

  it('picks a prime step that keeps the samples at or under the target', () => {
    for (const tasks of [100_000, 1_000_000, 10_000_000]) {
      const k = sampleEveryFor(tasks);
      expect(Math.ceil(tasks / k)).toBeLessThanOrEqual(TARGET_SAMPLES);
      for (let d = 2; d * d <= k; d++) expect(k % d).not.toBe(0);
    }
    expect(sampleEveryFor(1_000_000)).toBe(31);
  });

  it('skips a prime that divides a workload period, so every kind of task is sampled', () => {
    // 40,000 tasks need k ≥ 2; 2 divides the flaky period 20 (only even ids, never the failing ones), so 3.
    expect(sampleEveryFor(40_000, [20])).toBe(3);
    expect(sampleEveryFor(40_000, [4])).toBe(3);
    // 200,000 tasks need k ≥ 7; with a period of 7, 11.
    expect(sampleEveryFor(200_000, [7])).toBe(11);
  });
});

describe('LatencyRecorder', () => {
  it('splits total into wait and run from the start the task wrote into the probe', () => {
    const probe = createProbe(10, 1, false);
    const recorder = new LatencyRecorder(probe);
    const starts = new Float64Array(probe.starts);
    recorder.submitted(3);
    // The task "started" 5 ms before now, and was submitted at least that long ago: set the submit earlier.
    const now = performance.now();
    (recorder as unknown as { submits: Float64Array }).submits[3] = now - 20;
    starts[3] = now - 5;
    recorder.settled(3, undefined);
    const summary = recorder.summary();
    expect(summary.samples).toBe(1);
    expect(summary.wait.p50).toBeGreaterThanOrEqual(14.9);
    expect(summary.wait.p50).toBeLessThan(15.1);
    expect(summary.run.p50).toBeGreaterThanOrEqual(4.9);
    expect(summary.total.p50).toBeGreaterThanOrEqual(19.9);
  });

  it('uses the epoch start an implementation reports when the probe was not written', () => {
    const probe = createProbe(4, 2, false);
    const recorder = new LatencyRecorder(probe);
    recorder.submitted(2);
    const now = performance.now();
    (recorder as unknown as { submits: Float64Array }).submits[1] = now - 30;
    recorder.settled(2, performance.timeOrigin + now - 10);
    const summary = recorder.summary();
    expect(summary.wait.p50).toBeGreaterThan(19.9);
    expect(summary.wait.p50).toBeLessThan(20.2);
  });

  it('counts only the total for a task that settled without ever starting', () => {
    const recorder = new LatencyRecorder(createProbe(4, 1, false));
    recorder.submitted(0);
    recorder.settled(0, undefined);
    const summary = recorder.summary();
    expect(summary.samples).toBe(1);
    expect(summary.wait.max).toBe(0);
  });

  it('forgets the previous pass on reset, start times included', () => {
    const probe = createProbe(4, 1, false);
    const recorder = new LatencyRecorder(probe);
    recorder.submitted(1);
    new Float64Array(probe.starts)[2] = 5;
    recorder.settled(1, undefined);
    recorder.reset();
    expect(recorder.summary().samples).toBe(0);
    expect(Array.from(new Float64Array(probe.starts))).toEqual([0, 0, 0, 0]);
    // A submit from before the reset is gone: settling its id records nothing.
    recorder.settled(1, undefined);
    expect(recorder.summary().samples).toBe(0);
  });
});
