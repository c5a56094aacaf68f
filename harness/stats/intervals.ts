// Uncertainty for every comparison the tables make, distribution-free so a handful of noisy runs is not dressed up:
// - a ratio of two implementations: the Hodges–Lehmann estimate on log values, with the confidence interval that
//   inverts the Mann–Whitney test (exact U distribution for small samples, the normal approximation for large);
// - a median against a constant (the ideal): the order-statistic interval from the binomial distribution.
// When the runs are too few for the asked confidence, the interval is unbounded and says so: nothing is ranked on it.
import { median } from './stats.js';
import { uDistribution } from './mann-whitney.js';

export const DEFAULT_CONFIDENCE = 0.95;

export interface Interval {
  /** The point estimate. */
  estimate: number;
  /** Bounds at the confidence reached; 0 and Infinity when the runs are too few for any bound. */
  low: number;
  high: number;
  /** The coverage these bounds really have (discrete distributions rarely hit the asked one exactly), or null. */
  confidence: number | null;
}

/** Φ⁻¹ for the usual two-sided levels, by Acklam's rational approximation (|error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => {
    const r = Math.sqrt(-2 * Math.log(q));
    return (((((c[0]! * r + c[1]!) * r + c[2]!) * r + c[3]!) * r + c[4]!) * r + c[5]!) / ((((d[0]! * r + d[1]!) * r + d[2]!) * r + d[3]!) * r + 1);
  };
  if (p < 0.02425) return tail(p);
  if (p > 1 - 0.02425) return -tail(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * How many of the n1·n2 ordered pairwise differences to drop at each end for a two-sided interval at `confidence`
 * (the C of the Mann–Whitney interval: bounds are the C-th smallest and C-th largest), and the coverage it gives.
 * 0 means no interval reaches the confidence with these sample sizes.
 */
export function mannWhitneyDepth(n1: number, n2: number, confidence: number): { depth: number; coverage: number } {
  const alpha = 1 - confidence;
  if (n1 * n2 <= 400) {
    const counts = uDistribution(n1, n2);
    const total = counts.reduce((s, c) => s + c, 0);
    let cumulative = 0;
    let depth = 0;
    // P(U ≤ depth - 1) ≤ α/2: dropping `depth` differences at each end keeps coverage ≥ confidence.
    while (depth < counts.length && cumulative + counts[depth]! <= (alpha / 2) * total) cumulative += counts[depth++]!;
    return { depth, coverage: depth === 0 ? 0 : 1 - (2 * cumulative) / total };
  }
  const z = normalQuantile(1 - alpha / 2);
  const depth = Math.max(0, Math.floor((n1 * n2) / 2 - z * Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12)));
  return { depth, coverage: depth === 0 ? 0 : confidence };
}

/**
 * a / b for two sets of runs of a positive metric (wall time, heap): the Hodges–Lehmann estimate of the ratio, with
 * its distribution-free confidence interval. Runs that are too few for the confidence give (0, ∞).
 */
export function ratioInterval(a: readonly number[], b: readonly number[], confidence = DEFAULT_CONFIDENCE): Interval {
  if (a.length === 0 || b.length === 0) throw new RangeError('a ratio needs at least one run on each side');
  if ([...a, ...b].some((x) => !(x > 0))) throw new RangeError('ratios are of positive values only');
  const diffs: number[] = [];
  for (const x of a) for (const y of b) diffs.push(Math.log(x) - Math.log(y));
  diffs.sort((p, q) => p - q);
  const estimate = Math.exp(median(diffs));
  const { depth, coverage } = mannWhitneyDepth(a.length, b.length, confidence);
  if (depth === 0) return { estimate, low: 0, high: Infinity, confidence: null };
  return { estimate, low: Math.exp(diffs[depth - 1]!), high: Math.exp(diffs[diffs.length - depth]!), confidence: coverage };
}

function binomialCdf(k: number, n: number): number {
  // P(B ≤ k) for B ~ Binomial(n, 1/2).
  let term = 0.5 ** n;
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i;
    sum += term;
  }
  return sum;
}

/** The median of `values` with its order-statistic interval: no assumption about the runs' distribution. */
export function medianInterval(values: readonly number[], confidence = DEFAULT_CONFIDENCE): Interval {
  if (values.length === 0) throw new RangeError('a median needs at least one run');
  const sorted = [...values].sort((p, q) => p - q);
  const n = sorted.length;
  const alpha = 1 - confidence;
  // The largest k with P(B ≤ k − 1) ≤ α/2: the interval [x(k), x(n−k+1)] then covers the median with ≥ confidence.
  let k = 0;
  while (k < n / 2 && binomialCdf(k, n) <= alpha / 2) k++;
  const estimate = median(sorted);
  if (k === 0) return { estimate, low: 0, high: Infinity, confidence: null };
  return { estimate, low: sorted[k - 1]!, high: sorted[n - k]!, confidence: 1 - 2 * binomialCdf(k - 1, n) };
}

/** Half the interval's width relative to its estimate: 0.05 = ±5 %. Infinity when unbounded. */
export function relativeHalfWidth(interval: Interval): number {
  if (!Number.isFinite(interval.high)) return Infinity;
  return Math.max(interval.estimate - interval.low, interval.high - interval.estimate) / interval.estimate;
}

/** The interval divided by a constant (the ideal, a floor's median): bounds scale alike. */
export function scaleInterval(interval: Interval, by: number): Interval {
  return { ...interval, estimate: interval.estimate / by, low: interval.low / by, high: interval.high / by };
}

/** Whether an interval of a ratio excludes 1, so the two sides really differ. */
export function excludesOne(interval: Interval): boolean {
  return interval.low > 1 || interval.high < 1;
}

export interface RankRange {
  best: number;
  worst: number;
}

/**
 * Ranks with ties, as js-framework-benchmark marks significance: a row's rank is a range from 1 + the rows that
 * are really better to n − the rows that are really worse. Two rows whose ratio interval includes 1 share ranks.
 * `ratio(i, j)` is row i over row j (smaller is better).
 */
export function rankRanges(n: number, ratio: (i: number, j: number) => Interval): RankRange[] {
  return Array.from({ length: n }, (_, i) => {
    let better = 0;
    let worse = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const r = ratio(i, j);
      if (r.low > 1) better++;
      else if (r.high < 1) worse++;
    }
    return { best: better + 1, worst: n - worse };
  });
}

export function formatRank(range: RankRange): string {
  return range.best === range.worst ? String(range.best) : `${range.best}–${range.worst}`;
}

/**
 * hyperfine's sentence, only where the interval supports it: "a ran 1.32× [1.26, 1.38] faster than b", or null when
 * the interval includes 1 (no verdict).
 */
export function speedVerdict(fast: string, slow: string, slowOverFast: Interval): string | null {
  if (!(slowOverFast.low > 1)) return null;
  const bound = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '∞');
  return `${fast} ran ${slowOverFast.estimate.toFixed(2)}× [${bound(slowOverFast.low)}, ${bound(slowOverFast.high)}] faster than ${slow}`;
}
