// Mann–Whitney U test (two-sided): are two samples drawn from the same distribution? Rank-based, so it needs no
// normality and shrugs off outliers — what benchstat uses for the same question. Exact p from the U distribution
// when there are no ties and the samples are small; otherwise the normal approximation with tie correction.

export interface MannWhitney {
  u: number;
  p: number;
  method: 'exact' | 'normal';
}

function ranks(values: number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  let tieTerm = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]![1]] = rank;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  return { ranks: out, tieTerm };
}

/** counts[u] = number of arrangements of n1 + n2 items giving statistic u (no ties). */
export function uDistribution(n1: number, n2: number): number[] {
  // f(i, j, u): arrangements of i x's and j y's with U = u; built up one item at a time.
  let table: number[][][] = [];
  for (let i = 0; i <= n1; i++) {
    table[i] = [];
    for (let j = 0; j <= n2; j++) {
      const row = new Array<number>(i * j + 1).fill(0);
      if (i === 0 || j === 0) row[0] = 1;
      else {
        // The largest item is an x (it beats all j y's) or a y.
        const withX = table[i - 1]![j]!;
        const withY = table[i]![j - 1]!;
        withX.forEach((c, u) => (row[u + j] = row[u + j]! + c));
        withY.forEach((c, u) => (row[u] = row[u]! + c));
      }
      table[i]![j] = row;
    }
  }
  const result = table[n1]![n2]!;
  table = [];
  return result;
}

function normalCdf(z: number): number {
  // Abramowitz–Stegun 7.1.26 on erf; |error| < 1.5e-7.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - (((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t) * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitney {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann–Whitney needs at least one value on each side');
  const { ranks: r, tieTerm } = ranks([...a, ...b]);
  const r1 = r.slice(0, n1).reduce((s, x) => s + x, 0);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u = Math.min(u1, n1 * n2 - u1);
  if (tieTerm === 0 && n1 * n2 <= 400) {
    const counts = uDistribution(n1, n2);
    const total = counts.reduce((s, c) => s + c, 0);
    let tail = 0;
    for (let k = 0; k <= Math.floor(u); k++) tail += counts[k]!;
    return { u, p: Math.min(1, (2 * tail) / total), method: 'exact' };
  }
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance === 0) return { u, p: 1, method: 'normal' };
  const z = (Math.abs(u1 - mean) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))), method: 'normal' };
}

/** Smallest two-sided p the exact test can give for these sample sizes: below α or significance is unreachable. */
export function smallestP(n1: number, n2: number): number {
  let c = 1;
  for (let k = 1; k <= n1; k++) c = (c * (n2 + k)) / k; // C(n1 + n2, n1)
  return 2 / c;
}
