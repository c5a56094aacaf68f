// Counters every pool keeps, and optional latency histograms (perf_hooks, nanosecond resolution, reported in ms).
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { BreakerMetrics } from './breaker.js';

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface PoolMetrics {
  submitted: number;
  completed: number;
  failed: number;
  retried: number;
  timedOut: number;
  aborted: number;
  running: number;
  queued: number;
  /** Submit → start, in ms; present when the pool was created with trackLatency: true. */
  waitTime?: LatencySummary;
  /** Start → settle, in ms; present when trackLatency: true. */
  runTime?: LatencySummary;
  /** Thread engine: fraction of each worker's time spent running tasks since it started (0…1). */
  utilization?: number;
  /** Present when the pool has a circuit breaker: its state, how often it opened, the current window's ratio. */
  breaker?: BreakerMetrics;
}

export class Counters {
  submitted = 0;
  completed = 0;
  failed = 0;
  retried = 0;
  timedOut = 0;
  aborted = 0;
}

export class Latency {
  private readonly histogram: RecordableHistogram = createHistogram();
  /** Sees every recorded duration (ms): exporters build their own buckets from it. */
  listener: ((ms: number) => void) | null = null;

  /** Records a duration given in ms (performance.now() differences). */
  record(ms: number): void {
    this.histogram.record(Math.max(1, Math.round(ms * 1e6)));
    if (this.listener) this.listener(ms);
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const ms = (ns: number) => ns / 1e6;
    if (h.count === 0) return { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    return {
      count: h.count,
      min: ms(h.min),
      mean: ms(h.mean),
      p50: ms(h.percentile(50)),
      p90: ms(h.percentile(90)),
      p99: ms(h.percentile(99)),
      max: ms(h.max),
    };
  }
}
