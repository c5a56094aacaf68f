// Is a series of heap samples flat, or growing beyond its own noise? Used by the soak benchmark.

export interface Trend {
  slopeBytesPerSecond: number;
  growthBytes: number;
  residualSdBytes: number;
  flat: boolean;
}

/** Least-squares line through (t seconds, bytes); growth = slope × span, compared with 2 σ of the residuals. */
export function heapTrend(points: readonly { t: number; bytes: number }[]): Trend {
  const n = points.length;
  if (n < 3) throw new RangeError('a trend needs at least 3 samples');
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mb = points.reduce((a, p) => a + p.bytes, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.t - mt) * (p.bytes - mb);
    sxx += (p.t - mt) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const residuals = points.map((p) => p.bytes - (mb + slope * (p.t - mt)));
  const sd = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / (n - 2));
  const span = points[n - 1]!.t - points[0]!.t;
  const growth = slope * span;
  return { slopeBytesPerSecond: slope, growthBytes: growth, residualSdBytes: sd, flat: Math.abs(growth) <= 2 * sd };
}
