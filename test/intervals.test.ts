// The interval code against exact small cases and a seeded coverage check.
import { describe, expect, it } from 'vitest';
import {
  formatRank, mannWhitneyDepth, medianInterval, normalQuantile, rankRanges, ratioInterval, relativeHalfWidth, speedVerdict,
  type Interval,
} from '../harness/stats/intervals.js';

describe('mannWhitneyDepth', () => {
  it('5 vs 5 at 95 %: drop 3 differences at each end, 1 − 2·4/252 coverage', () => {
    expect(mannWhitneyDepth(5, 5, 0.95)).toEqual({ depth: 3, coverage: 1 - 8 / 252 });
  });
  it('4 vs 4 at 95 %: only the full range, 1 − 2/70 coverage', () => {
    expect(mannWhitneyDepth(4, 4, 0.95)).toEqual({ depth: 1, coverage: 1 - 2 / 70 });
  });
  it('3 vs 3 cannot reach 95 % at all', () => {
    expect(mannWhitneyDepth(3, 3, 0.95).depth).toBe(0);
  });
  it('large samples use the normal approximation', () => {
    // 30 × 30: 450 − 1.96 · sqrt(900 · 61 / 12) = 450 − 132.6 → 317.
    expect(mannWhitneyDepth(30, 30, 0.95).depth).toBe(317);
  });
});

describe('normalQuantile', () => {
  it('gives the familiar two-sided 95 % and 99 % points', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 6);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
  });
});

describe('ratioInterval', () => {
  it('is exact when every run of each side is identical', () => {
    const r = ratioInterval([2, 2, 2, 2, 2], [1, 1, 1, 1, 1]);
    expect(r.estimate).toBeCloseTo(2, 12);
    expect(r.low).toBeCloseTo(2, 12);
    expect(r.high).toBeCloseTo(2, 12);
  });
  it('bounds are the 3rd smallest and 3rd largest pairwise ratio for 5 vs 5', () => {
    const a = [10, 11, 12, 13, 14];
    const b = [5, 6, 7, 8, 9];
    const ratios = a.flatMap((x) => b.map((y) => x / y)).sort((p, q) => p - q);
    const r = ratioInterval(a, b);
    expect(r.low).toBeCloseTo(ratios[2]!, 12);
    expect(r.high).toBeCloseTo(ratios[22]!, 12);
    expect(r.estimate).toBeCloseTo(ratios[12]!, 12);
    expect(r.confidence).toBeCloseTo(1 - 8 / 252, 12);
  });
  it('is unbounded when the runs are too few to say anything', () => {
    expect(ratioInterval([1, 2], [3, 4])).toMatchObject({ low: 0, high: Infinity, confidence: null });
  });
  it('rejects values a ratio cannot take', () => {
    expect(() => ratioInterval([0, 1], [1, 2])).toThrow(/positive/);
  });
  it('covers a true ratio of 1 about 95 % of the time (seeded, 1,000 A/A pairs of 10 runs)', () => {
    let seed = 12345;
    const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) + 0.5) / 2 ** 31;
    const lognormal = () => Math.exp(0.1 * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
    let covered = 0;
    const trials = 1000;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: 10 }, lognormal);
      const b = Array.from({ length: 10 }, lognormal);
      const r = ratioInterval(a, b);
      if (r.low <= 1 && r.high >= 1) covered++;
    }
    // The interval's own coverage for 10 vs 10 is 95.7 %; the binomial spread of 1,000 trials is about ±0.65 %.
    expect(covered / trials).toBeGreaterThan(0.935);
    expect(covered / trials).toBeLessThan(0.98);
  });
});

describe('medianInterval', () => {
  it('5 runs cannot give a 95 % interval for the median', () => {
    expect(medianInterval([1, 2, 3, 4, 5])).toMatchObject({ estimate: 3, low: 0, high: Infinity, confidence: null });
  });
  it('6 runs: the full range at 1 − 2/64', () => {
    expect(medianInterval([6, 1, 5, 2, 4, 3])).toEqual({ estimate: 3.5, low: 1, high: 6, confidence: 1 - 2 / 64 });
  });
  it('9 runs: the 2nd to 8th values at 1 − 2·10/512', () => {
    expect(medianInterval([9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual({ estimate: 5, low: 2, high: 8, confidence: 1 - 20 / 512 });
  });
  it('relative half-width is the larger side over the estimate', () => {
    expect(relativeHalfWidth({ estimate: 100, low: 96, high: 103, confidence: 0.95 })).toBeCloseTo(0.04, 12);
    expect(relativeHalfWidth({ estimate: 100, low: 0, high: Infinity, confidence: null })).toBe(Infinity);
  });
});

describe('rankRanges', () => {
  const interval = (low: number, high: number): Interval => ({ estimate: (low + high) / 2, low, high, confidence: 0.95 });
  it('shares ranks between rows whose ratio interval includes 1', () => {
    // Row 0 is really faster than 1 and 2; rows 1 and 2 overlap.
    const table: Interval[][] = [
      [interval(1, 1), interval(0.5, 0.7), interval(0.4, 0.6)],
      [interval(1.4, 2), interval(1, 1), interval(0.9, 1.2)],
      [interval(1.7, 2.5), interval(0.8, 1.1), interval(1, 1)],
    ];
    const ranks = rankRanges(3, (i, j) => table[i]![j]!);
    expect(ranks.map(formatRank)).toEqual(['1', '2–3', '2–3']);
  });
});

describe('speedVerdict', () => {
  it('speaks only when the interval excludes 1', () => {
    expect(speedVerdict('home-async', 'semaphore', { estimate: 1.32, low: 1.26, high: 1.38, confidence: 0.95 })).toBe(
      'home-async ran 1.32× [1.26, 1.38] faster than semaphore',
    );
    expect(speedVerdict('home-async', 'semaphore', { estimate: 1.1, low: 0.98, high: 1.25, confidence: 0.95 })).toBeNull();
  });
});

describe('analysis in results files', () => {
  it('is recomputable from the raw runs: what the runner stores is what analyze() gives again', async () => {
    const { analyze } = await import('../harness/stats/analysis.js');
    const { fixtureResults, completed } = await import('./report-fixtures.js');
    const file = fixtureResults({ id: 'tiny', createdAt: '2026-01-01T00:00:00.000Z', implementations: [completed('a', [10, 11, 12, 13, 14, 15]), completed('b', [20, 21, 22, 23, 24, 25])] });
    const stored = JSON.parse(JSON.stringify({ ...file, analysis: analyze(file) }));
    const { analysis, ...raw } = stored;
    expect(analyze(raw)).toEqual(analysis);
    expect(analysis.verdicts).toEqual([expect.stringMatching(/^a ran 1\.\d\d× \[1\.\d\d, 2\.\d\d\] faster than b$/)]);
  });
});
