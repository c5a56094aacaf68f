import { describe, expect, it } from 'vitest';
import { heapTrend } from '../harness/measure/trend.js';

const MB = 1024 * 1024;
// A deterministic saw-tooth of ±5 MB around 50 MB, like a heap between collections.
const saw = (i: number) => 50 * MB + ((i % 10) - 4.5) * MB;

describe('heapTrend', () => {
  it('calls a saw-tooth around a constant level flat', () => {
    const points = Array.from({ length: 200 }, (_, i) => ({ t: i / 10, bytes: saw(i) }));
    const trend = heapTrend(points);
    expect(Math.abs(trend.growthBytes)).toBeLessThan(1 * MB);
    expect(trend.flat).toBe(true);
  });

  it('calls the same saw-tooth on a 1 MB/s climb growing', () => {
    const points = Array.from({ length: 200 }, (_, i) => ({ t: i / 10, bytes: saw(i) + (i / 10) * MB }));
    const trend = heapTrend(points);
    expect(trend.slopeBytesPerSecond / MB).toBeCloseTo(1, 1);
    expect(trend.flat).toBe(false);
  });

  it('needs at least three samples', () => {
    expect(() => heapTrend([{ t: 0, bytes: 1 }, { t: 1, bytes: 2 }])).toThrow('a trend needs at least 3 samples');
  });
});
