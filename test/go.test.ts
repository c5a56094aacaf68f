import { describe, expect, it } from 'vitest';
import { registry } from '../impls/registry.js';
import { canRun } from '../impls/capabilities.js';
import { findGo } from '../impls/reference/go-goroutines.js';
import { runBench } from '../harness/run/runner.js';
import { goArguments, toMeasured, type GoReport } from '../harness/runtimes/go-run.js';
import { externalChild } from '../harness/runtimes/go.js';
import { tinyScenario } from './helpers.js';

const hasGo = findGo() !== undefined;
const scenario = tinyScenario({ id: 'smoke', tasks: 2000, concurrency: 4, threads: 2, workload: { kind: 'sleep', ms: 1 }, warmup: { passes: 1, tasks: 200 } });

describe('go-goroutines', () => {
  it('is a reference row that skips with a reason where Go is missing', () => {
    expect(registry['go-goroutines'].kind).toBe('reference');
    expect(canRun(registry['go-goroutines'], { scenario, threads: 2 }, { PATH: '/nonexistent' })).toEqual({
      reason: 'Go is not installed (no go on PATH); install it with apt-get install golang-go',
    });
  });

  it('runs the sleep and noop workloads only, and says so for the rest', () => {
    const prepare = externalChild('go-goroutines')!.prepare;
    expect(prepare({ scenario: { ...scenario, workload: { kind: 'cpu', iterations: 10 } } as never, threads: 2 })).toEqual({
      reason: 'workload cpu is not supported: the Go program implements sleep and noop only',
    });
  });

  it('hands the scenario to the Go program and its report back as a run sample, checking the channel bound', () => {
    const request = { scenario, implementation: 'go-goroutines', threads: 2 };
    expect(goArguments(request)).toEqual(expect.arrayContaining(['-tasks=2000', '-concurrency=4', '-workload=sleep', '-ms=1', '-threads=2', '-exit-with-stdin']));
    const tally = { tasks: 2000, completed: 2000, failed: 0, duplicated: 0, mismatched: 0, lost: 0, peakRunning: 4, wallMs: 600 };
    const report: GoReport = {
      goVersion: 'go1.19.8', gomaxprocs: 2, wallMs: 600, setupMs: 0.1, warmupMs: 60, heapBaselineBytes: 1e5, heapPeakBytes: 2e5,
      rssPeakBytes: 5e6, maxRssBytes: 6e6, gcCount: 1, gcPauseMs: 0.05, cpuUserMs: 30, cpuSystemMs: 30, tally, timeline: null,
    };
    const measured = toMeasured(report, request);
    if (typeof measured === 'string') throw new Error(measured);
    expect(measured.applied).toMatchObject({ concurrency: 4, threads: 2 });
    expect(measured.sample).toMatchObject({ wallMs: 600, cpuCores: 0.1, maxRssBytes: 6e6, heapPeakBytes: 2e5, timeline: [] });
    expect(measured.sample.unmeasured!.join()).toMatch(/per-task latency/);
    expect(toMeasured({ ...report, tally: { ...tally, peakRunning: 5 } }, request)).toBe("5 tasks ran at once, above the channel's capacity 4");
  });

  // .ci/run installs golang-go, so under CI a missing Go fails here instead of skipping.
  it.runIf(hasGo || process.env.CI)('compiles on first use and completes every task exactly once, recording Go as its runtime', async () => {
    const results = await runBench({ scenario, runs: 1, contenders: [{ adapter: registry['go-goroutines'] }, { adapter: registry.semaphore }] });
    const go = results.implementations[0]!;
    if (go.state !== 'completed') throw new Error(`go-goroutines ${go.state}: ${go.reason}`);
    expect(go.runtime).toMatchObject({ name: 'go', version: expect.stringMatching(/^\d+\.\d+/) });
    const run = go.runs[0]!;
    if (run.state !== 'measured') throw new Error(run.reason);
    expect(run.problems).toEqual([]);
    expect(run.sample.tally).toMatchObject({ tasks: 2000, completed: 2000, duplicated: 0, lost: 0 });
    expect(run.sample.tally.peakRunning).toBeLessThanOrEqual(4);
    // 2000 × 1 ms at 4 at once cannot take under 0.5 s.
    expect(run.sample.wallMs).toBeGreaterThanOrEqual(500);
    expect(run.sample.maxRssBytes).toBeGreaterThan(1e6);
    expect(run.sample.cpuUserMs + run.sample.cpuSystemMs).toBeGreaterThan(0);
    expect(go.notes?.join('\n')).toMatch(/missing: per-task latency/);
    // One runtime (Go's row joins this node's): ranked together with the Node rows, as every reference is.
    expect(results.analysis?.rows.map((r) => r.name).sort()).toEqual(['go-goroutines', 'semaphore']);
  }, 120_000);
});
