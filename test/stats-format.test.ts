import { describe, expect, it } from 'vitest';
import { appliedProblems } from '../harness/run/checks.js';
import { buildRows, renderMarkdown, renderTable } from '../harness/output/format.js';
import { median, summarize } from '../harness/stats/stats.js';
import { sleepIdeal } from '../harness/run/ideal.js';
import { tinyScenario } from './helpers.js';
import { type ResultsFile } from '../harness/results/schema.js';

describe('stats', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('summarize gives min, max, mean and sample sd', () => {
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9])).toMatchObject({ n: 8, median: 4.5, min: 2, max: 9, mean: 5 });
    expect(summarize([2, 4, 4, 4, 5, 5, 7, 9]).sd).toBeCloseTo(2.138, 3);
    expect(summarize([7]).sd).toBe(0);
  });
});

describe('ideal', () => {
  it('is ceil(tasks / concurrency) × sleep', () => {
    expect(sleepIdeal(tinyScenario({ tasks: 1_000_000, concurrency: 10_000, workload: { kind: 'sleep', ms: 10 } }))?.ms).toBe(1000);
    expect(sleepIdeal(tinyScenario({ tasks: 1001, concurrency: 100, workload: { kind: 'sleep', ms: 10 } }))?.ms).toBe(110);
    expect(sleepIdeal(tinyScenario({ workload: { kind: 'noop' } }))).toBeNull();
  });
});

describe('appliedProblems', () => {
  const plan = { scenario: tinyScenario({ concurrency: 40 }), threads: 2 };
  it('flags a peak above the per-worker limit', () => {
    expect(appliedProblems({ concurrency: 40, threads: 2, tasksPerWorker: 20, options: {} }, plan, 21)).toEqual([
      '21 tasks ran at once in one worker, above the applied limit 20',
    ]);
  });
  it('flags a thread count other than the plan', () => {
    expect(appliedProblems({ concurrency: 40, threads: 4, tasksPerWorker: 10, options: {} }, plan, 5)).toEqual([
      'started 4 threads, the plan asked for 2',
    ]);
  });
  it('accepts the no-pool reference declaring itself unbounded', () => {
    expect(appliedProblems({ concurrency: 'unbounded', threads: 0, options: {} }, plan, 500)).toEqual([]);
  });
});

function fakeResults(): ResultsFile {
  const scenario = tinyScenario({ tasks: 1000, concurrency: 10, workload: { kind: 'sleep', ms: 10 } });
  const summary = (ms: number[]) => ({ n: ms.length, median: ms[1]!, min: ms[0]!, max: ms[2]!, mean: ms[1]!, sd: 1 });
  const completed = (name: string, ms: number[], concurrency: number | 'unbounded' = 10) => ({
    name, version: '1.0.0', kind: 'in-thread' as const, state: 'completed' as const,
    applied: { concurrency, threads: 0, options: {} },
    runs: [],
    summary: { wallMs: summary(ms), heapPeakBytes: summary([1, 2, 3].map((x) => x * 1048576)), maxRssBytes: summary([50, 60, 70].map((x) => x * 1048576)), cpuCores: summary([0.5, 0.6, 0.7]) },
  });
  return {
    schemaVersion: 1, createdAt: '2026-01-01T00:00:00.000Z', scenario, runsPerImplementation: 3,
    ideal: sleepIdeal(scenario),
    env: { node: 'v20', v8: '11', os: 'Linux', arch: 'x64', cpuModel: 'Test CPU', cores: 2, availableParallelism: 2, totalMemoryBytes: 1, gitSha: 'abcdef0123', gitDirty: false, libraries: {}, childHeapLimitMB: 8192, ci: false },
    implementations: [
      completed('slow', [1900, 2000, 2100]),
      completed('fast', [1150, 1200, 1300]),
      completed('nopool', [400, 500, 600], 'unbounded'),
      { name: 'lib', version: '2.0.0', kind: 'worker-threads', state: 'skipped', reason: 'cannot express it' },
    ],
  };
}

describe('comparison table', () => {
  it('sorts by median, shows × ideal and × fastest against the fastest row that honours the limit', () => {
    const rows = buildRows(fakeResults());
    expect(rows.map((r) => r.cells[0])).toEqual(['nopool@1.0.0', 'fast@1.0.0', 'slow@1.0.0', 'lib@2.0.0']);
    const fast = rows[1]!.cells;
    expect(fast.slice(2, 5)).toEqual(['1.20 [1.15–1.30]', '1.20×', '1.00×']);
    expect(rows[2]!.cells.slice(3, 5)).toEqual(['2.00×', '1.67×']);
    expect(rows[0]!.cells[4]).toBe('0.42×');
  });

  it('compares a scaled-down row per task, against its own ideal, and never lets it set the bar', () => {
    const results = fakeResults();
    const slow = results.implementations[0]!;
    // 100 of 1000 tasks in 0.4 s: 4 ms a task against fast's 1.2 ms, though its time alone is the shortest.
    const scaled = { ...slow, name: 'remote', summary: { ...(slow as { summary: object }).summary, wallMs: { n: 3, median: 400, min: 390, max: 410, mean: 400, sd: 1 } },
      scaled: { tasks: 100, fromTasks: 1000, reason: 'scaled from 1000 to 100 for the test', ideal: { ms: 100, basis: 'test' } } };
    const rows = buildRows({ ...results, implementations: [...results.implementations, scaled as typeof slow] });
    const remote = rows.find((r) => r.name === 'remote')!;
    expect(remote.cells.slice(3, 5)).toEqual(['4.00×', '3.33× per task']);
    expect(remote.cells[8]).toBe('250');
    expect(rows.find((r) => r.name === 'fast')!.cells[4]).toBe('1.00×');
    expect(rows.map((r) => r.name).indexOf('remote')).toBeGreaterThan(rows.map((r) => r.name).indexOf('slow'));
    expect(remote.note).toContain('remote: scaled from 1000 to 100 for the test');
  });

  it('gives skipped rows their reason and marks the no-pool reference', () => {
    const text = renderTable(fakeResults());
    expect(text).toContain('lib: skipped — cannot express it');
    expect(text).toContain('nopool: reference, ignores the concurrency limit');
    expect(text).toContain('ideal 1.00 s = ceil(1000 / 10) × 10 ms');
  });

  it('renders the same rows as a Markdown table', () => {
    const md = renderMarkdown(fakeResults());
    expect(md).toContain('| fast@1.0.0 | in-thread | 1.20 [1.15–1.30] | 1.20× | 1.00× | 2.0 | 60.0 | 0.60 | 833 | — | — | — |');
    expect(md.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(2 + 4);
  });
});
