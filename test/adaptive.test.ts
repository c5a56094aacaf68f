// Run until settled: the settling rule on known runs, and the runner's loop on a small real scenario.
import { describe, expect, it } from 'vitest';
import { isSettled, runBench, type Contender } from '../harness/run/runner.js';
import { registry } from '../impls/registry.js';
import { tinyScenario } from './helpers.js';
import { validateResults, type ImplementationResult, type RunRecord } from '../harness/results/schema.js';
import { sample } from './report-fixtures.js';
import { renderTable } from '../harness/output/results-table.js';
import { compiledFile } from '../core/paths.js';
import * as fixtures from './fixtures/adapters.js';
import type { PoolAdapter } from '../impls/types.js';

const fixtureModule = compiledFile('test', 'fixtures', 'adapters.js');
const fixture = (adapter: PoolAdapter): Contender => ({ adapter, module: fixtureModule });

/** The task count each of a row's recorded runs really ran. */
const tasksOfRuns = (impl: ImplementationResult): number[] =>
  impl.state === 'skipped' ? [] : impl.runs.map((r) => (r.state === 'measured' ? r.sample.tally.tasks : -1));

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

  it('stops starting adaptive runs once all rows together have spent budgetSeconds, and the table says so', async () => {
    const results = await runBench({
      scenario, runs: 2, contenders: [{ adapter: registry.semaphore }, { adapter: registry.lanes }],
      adaptive: { precision: 0.000001, maxRuns: 50, rowBudgetSeconds: 120, budgetSeconds: 0.001 },
    });
    // The first `runs` rounds always complete; the spent budget starts nothing after them.
    expect(results.implementations.map((i) => i.state !== 'skipped' && i.runs.length)).toEqual([2, 2]);
    expect(results.adaptive).toEqual({ precision: 0.000001, maxRuns: 50, rowBudgetSeconds: 120, budgetSeconds: 0.001, budgetRanOut: true });
    const table = renderTable(results);
    expect(table).toContain('(2 to 50 runs, at most 120 s of runs a row, 0.001 s of runs in all)');
    expect(table).toContain("did not reach ±0 % within 50 runs or 120 s of runs (the budget of 0.001 s for all rows' runs ran out): ");
  }, 60_000);

  it('names the real cap in the unsettled line when --runs is above maxRuns', async () => {
    const results = await runBench({
      scenario, runs: 3, contenders: [{ adapter: registry.semaphore }],
      adaptive: { precision: 0.000001, maxRuns: 2, rowBudgetSeconds: 120 },
    });
    expect(results.implementations[0]!.state !== 'skipped' && results.implementations[0]!.runs.length).toBe(3);
    const table = renderTable(results);
    expect(table).toContain('did not reach ±0 % within 3 runs or 120 s of runs: semaphore');
    expect(table).toContain('(3 to 3 runs, at most 120 s of runs a row)');
    expect(table).not.toContain('ran out');
  }, 60_000);
});

describe('runBench with slowRows: a probe decides each row\'s size', () => {
  const scenario = tinyScenario({ tasks: 200, concurrency: 50, workload: { kind: 'sleep', ms: 5 }, producer: { style: 'window', outstanding: 100 }, warmup: { passes: 1, tasks: 150 } });

  it('keeps a fast row at full size, drops the probe from its runs and records it beside them', async () => {
    const results = await runBench({
      scenario, runs: 2, contenders: [{ adapter: registry.semaphore }],
      adaptive: { precision: 0.5, maxRuns: 2, rowBudgetSeconds: 120, slowRows: { tasks: 100, aboveSeconds: 1000 } },
    });
    const impl = results.implementations[0]!;
    expect(impl.state).toBe('completed');
    if (impl.state !== 'completed') return;
    // Two full-size runs, as if there had been no probe; the probe ran 100 tasks and is kept out of the statistics.
    expect(tasksOfRuns(impl)).toEqual([200, 200]);
    expect(impl.runs.map((r) => r.runIndex)).toEqual([0, 1]);
    expect(impl.summary.wallMs.n).toBe(2);
    expect(impl.scaled).toBeUndefined();
    expect(impl.probe).toMatchObject({ tasks: 100 });
    expect(impl.probe!.wallMs).toBeGreaterThan(0);
    // Every reader takes the file through validateResults, which checks the probe's figures too.
    const written = JSON.parse(JSON.stringify(results)) as typeof results;
    expect(validateResults(written, 'x.json').implementations[0]).toMatchObject({ probe: impl.probe });
    const broken = { ...written, implementations: [{ ...impl, probe: { tasks: 100 } }] };
    expect(() => validateResults(broken, 'x.json')).toThrow('x.json: implementations[0].probe.wallMs is missing; allowed: a number');
  }, 60_000);

  it('keeps a row over aboveSeconds at the probe size, counts the probe as its first run and says why', async () => {
    const progress: string[] = [];
    const results = await runBench({
      scenario, runs: 2, contenders: [{ adapter: registry.semaphore }],
      adaptive: { precision: 0.5, maxRuns: 2, rowBudgetSeconds: 120, slowRows: { tasks: 100, aboveSeconds: 0.000001 } },
      onProgress: (e) => { if (e.type === 'start') progress.push(`${e.run}${e.probe ? ` probe ${e.probe}` : ''}`); },
    });
    const impl = results.implementations[0]!;
    expect(impl.state).toBe('completed');
    if (impl.state !== 'completed') return;
    expect(tasksOfRuns(impl)).toEqual([100, 100]);
    expect(progress).toEqual(['1 probe 100', '2']);
    expect(impl.probe).toBeUndefined();
    expect(impl.scaled).toMatchObject({ tasks: 100, fromTasks: 200 });
    expect(impl.scaled!.ideal).not.toBeNull();
    expect(impl.scaled!.reason).toMatch(
      /^scaled from 200 to 100 tasks: its first 100 tasks took \d+\.\d\d s, so a full run would take ~[\d.]+ s \(over settle\.slowRows\.aboveSeconds = 0\.000001 s\)$/,
    );
    // The table shows it as every scaled row: per task, with the reason under it.
    const table = renderTable(results);
    expect(table).toContain('rows first ran a 100-task probe: those whose full run would take over 0.000001 s stayed at 100 tasks');
    expect(table).toContain('100/100 (scaled from 200)');
    expect(table).toContain(`semaphore: ${impl.scaled!.reason}`);
  }, 60_000);

  it('gives a row its adapter already scales down no probe', async () => {
    const results = await runBench({
      scenario: tinyScenario({ tasks: 300 }), runs: 1, contenders: [fixture(fixtures.scalesDown)],
      adaptive: { precision: 0.5, maxRuns: 1, rowBudgetSeconds: 120, slowRows: { tasks: 150, aboveSeconds: 0.000001 } },
    });
    const impl = results.implementations[0]!;
    expect(impl.state === 'completed' && impl.scaled).toMatchObject({ tasks: 100, reason: 'scaled from 300 to a third for the test' });
    expect(tasksOfRuns(impl)).toEqual([100]);
    expect(impl.state === 'completed' && impl.probe).toBeUndefined();
  }, 60_000);

  it('records a probe that fails as the row\'s failed first run, and keeps the row at the probe size', async () => {
    const results = await runBench({
      scenario, runs: 2, contenders: [fixture(fixtures.setupThrows)],
      adaptive: { precision: 0.5, maxRuns: 2, rowBudgetSeconds: 120, slowRows: { tasks: 100, aboveSeconds: 1000 } },
    });
    const impl = results.implementations[0]!;
    expect(impl.state).toBe('errored');
    if (impl.state !== 'errored') return;
    expect(impl.runs.map((r) => r.state)).toEqual(['failed', 'failed']);
    expect(impl.reason).toMatch(/^2 of 2 runs failed; run 1: .*fixture setup exploded/);
    expect(impl.scaled?.reason).toBe('scaled from 200 to 100 tasks: its first run at 100 tasks failed, so its speed is unknown');
  }, 60_000);
});
