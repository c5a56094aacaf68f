import { describe, expect, it } from 'vitest';
import { appliedProblems } from '../harness/run/checks.js';
import { buildRows, HEADER, renderMarkdown, renderTable } from '../harness/output/format.js';
import { completed, fixtureResults, skipped } from './report-fixtures.js';
import { median, summarize } from '../harness/stats/stats.js';
import { sleepIdeal } from '../harness/run/ideal.js';
import { tinyScenario } from './helpers.js';
import { type ImplementationResult, type ResultsFile } from '../harness/results/schema.js';

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
  // Six runs a row: enough for a 95 % interval on each median ([min, max] at 96.9 %) and on each ratio.
  const base = fixtureResults({
    id: 'tiny', createdAt: '2026-01-01T00:00:00.000Z', concurrency: 10,
    implementations: [
      completed('slow', [1900, 1950, 2000, 2000, 2050, 2100]),
      completed('fast', [1150, 1180, 1200, 1200, 1220, 1300]),
      completed('close', [1160, 1190, 1210, 1230, 1250, 1310]),
      unbounded(completed('nopool', [400, 450, 500, 500, 550, 600])),
      skipped('lib', 'cannot express it'),
    ],
  });
  return base;
}

function unbounded(impl: ImplementationResult): ImplementationResult {
  return impl.state === 'completed' ? { ...impl, kind: 'reference', applied: { ...impl.applied, concurrency: 'unbounded' } } : impl;
}

describe('comparison table', () => {
  it('ranks with ties, and gives × ideal and × fastest with their 95 % intervals', () => {
    const rows = buildRows(fakeResults());
    expect(rows.map((r) => r.name)).toEqual(['nopool', 'fast', 'close', 'slow', 'lib']);
    const cell = (name: string, column: string) => rows.find((r) => r.name === name)!.cells[HEADER.indexOf(column)];
    // fast and close overlap: they share ranks 1–2; slow is really slower than both.
    expect(['fast', 'close', 'slow', 'nopool'].map((n) => cell(n, 'rank'))).toEqual(['1–2', '1–2', '3', '—']);
    expect(cell('fast', '× ideal [95 % CI]')).toBe('1.20 [1.15–1.30]');
    expect(cell('slow', '× ideal [95 % CI]')).toBe('2.00 [1.90–2.10]');
    expect(cell('fast', '× fastest [95 % CI]')).toBe('1.00');
    expect(cell('slow', '× fastest [95 % CI]')).toMatch(/^1\.6\d \[1\.\d\d–1\.\d\d\]$/);
    // The no-pool reference ignores the limit: it gets no rank and no "× fastest".
    expect(cell('nopool', '× fastest [95 % CI]')).toBe('—');
    expect(cell('fast', 'runs')).toBe('6');
  });

  it('prints a verdict only where the interval excludes 1, and names the rows tied with the fastest', () => {
    const text = renderTable(fakeResults());
    expect(text).toMatch(/^fast ran 1\.6\d× \[1\.\d\d, 1\.\d\d\] faster than slow$/m);
    expect(text).toContain('tied with fast (95 % intervals include 1): close');
    expect(text).not.toMatch(/fast ran .* faster than close/);
  });

  it('says [?] where the runs are too few for any bound', () => {
    const two = fixtureResults({ id: 'tiny', createdAt: '2026-01-01T00:00:00.000Z', implementations: [completed('a', [1000, 1100]), completed('b', [3000, 3100])] });
    const rows = buildRows(two);
    expect(rows[1]!.cells[HEADER.indexOf('× fastest [95 % CI]')]).toBe('2.91 [?]');
    expect(rows.map((r) => r.cells[0])).toEqual(['1–2', '1–2']);
  });

  it('compares a scaled-down row per task, against its own ideal, and never lets it set the bar', () => {
    const results = fakeResults();
    // 100 of 1000 tasks in about 0.4 s: 4 ms a task against fast's 1.2 ms, though its time alone is the shortest.
    const remote = { ...completed('remote', [390, 395, 400, 400, 405, 410]), scaled: { tasks: 100, fromTasks: 1000, reason: 'scaled from 1000 to 100 for the test', ideal: { ms: 100, basis: 'test' } } };
    const rows = buildRows({ ...results, implementations: [...results.implementations, remote] });
    const cell = (name: string, column: string) => rows.find((r) => r.name === name)!.cells[HEADER.indexOf(column)];
    expect(cell('remote', '× ideal [95 % CI]')).toBe('4.00 [3.90–4.10]');
    expect(cell('remote', '× fastest [95 % CI]')).toMatch(/^3\.33 \[3\.\d\d–3\.\d\d\] per task$/);
    expect(cell('remote', 'tasks/s')).toBe('250');
    expect(cell('fast', '× fastest [95 % CI]')).toBe('1.00');
    expect(rows.map((r) => r.name).indexOf('remote')).toBeGreaterThan(rows.map((r) => r.name).indexOf('slow'));
    expect(rows.find((r) => r.name === 'remote')!.note).toContain('remote: scaled from 1000 to 100 for the test');
  });

  it('gives skipped rows their reason and marks the no-pool reference', () => {
    const text = renderTable(fakeResults());
    expect(text).toContain('lib: skipped — cannot express it');
    expect(text).toContain('nopool: reference, ignores the concurrency limit');
    expect(text).toContain('ideal 1.00 s = ceil(1000 / 10) × 10 ms');
  });

  it('renders the same rows as a Markdown table', () => {
    const md = renderMarkdown(fakeResults());
    expect(md).toContain('| 1–2 | fast@1.0.0 | in-thread | 1.20 [1.15–1.30] | 1.20 [1.15–1.30] | 1.00 | — |');
    expect(md.split('\n').filter((l) => l.startsWith('|'))).toHaveLength(2 + 5);
  });
});
