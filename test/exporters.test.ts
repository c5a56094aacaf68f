import { describe, expect, it } from 'vitest';
import { toBencherMetricFormat, toGithubBenchmark } from '../harness/output/exporters.js';
import { readResultsFile } from '../harness/results/store.js';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { projectRoot } from '../core/paths.js';
import { type ResultsFile } from '../harness/results/schema.js';

const dir = join(projectRoot, 'results', 'cpu');
const results = readResultsFile(join(dir, readdirSync(dir).filter((f) => f.endsWith('.json')).sort().at(-1)!));
const completed = results.implementations.filter((i) => i.state === 'completed');

describe('exports of a real results file', () => {
  it('github-action-benchmark customSmallerIsBetter: name, unit, value, range, extra for time and heap of each completed row', () => {
    const entries = toGithubBenchmark([results]);
    expect(entries).toHaveLength(completed.length * 2);
    for (const e of entries) {
      expect(Object.keys(e).sort()).toEqual(['extra', 'name', 'range', 'unit', 'value']);
      expect(typeof e.value).toBe('number');
      expect(e.name).toMatch(/^cpu\/[\w-]+ (wall time|peak heap)$/);
    }
    const first = completed[0]!;
    const wall = entries.find((e) => e.name === `cpu/${first.name} wall time`)!;
    expect(first.state === 'completed' && wall.value).toBe(first.state === 'completed' ? first.summary.wallMs.median : NaN);
    expect(wall.unit).toBe('ms');
  });

  it('Bencher Metric Format: latency in nanoseconds with its min and max as bounds', () => {
    const bmf = toBencherMetricFormat([results]);
    expect(Object.keys(bmf)).toEqual(completed.map((i) => `cpu/${i.name}`));
    for (const impl of completed) {
      if (impl.state !== 'completed') continue;
      const m = bmf[`cpu/${impl.name}`]!;
      expect(m.latency).toEqual({
        value: impl.summary.wallMs.median * 1e6,
        lower_value: impl.summary.wallMs.min * 1e6,
        upper_value: impl.summary.wallMs.max * 1e6,
      });
      expect(m['peak-heap-bytes']!.lower_value).toBeLessThanOrEqual(m['peak-heap-bytes']!.value);
    }
  });
});

describe('exports of several results files', () => {
  const at = (tasks: number): ResultsFile => ({ ...results, scenario: { ...results.scenario, point: { tasks } } });

  it('names each sweep point its own benchmark, so the points of a sweep go into one document', () => {
    const entries = toGithubBenchmark([at(100), at(1000)]);
    expect(entries).toHaveLength(completed.length * 2 * 2);
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
    expect(entries[0]!.name).toBe(`cpu/${completed[0]!.name} [tasks=100] wall time`);
    expect(Object.keys(toBencherMetricFormat([at(100), at(1000)]))).toContain(`cpu/${completed[0]!.name} [tasks=1000]`);
  });

  it('refuses two files of the same scenario and point, which would give one benchmark twice', () => {
    expect(() => toBencherMetricFormat([results, results])).toThrow(
      new RegExp(`benchmark "cpu/${completed[0]!.name}" is in two results files .*allowed: one results file per scenario and sweep point`),
    );
  });
});
