// Per-task latency, recorded into histograms (never one number per task kept): wait (submit → start), run
// (start → completion seen by the producer) and total (submit → completion).
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { TaskProbe, Workload } from '../../scenarios/workloads/task.js';
import { workloadKind } from '../../scenarios/workloads/index.js';
import type { Percentiles, LatencySummary } from '../results/schema.js';

/** Aim for about this many recorded tasks per run: enough for a p99.9 from ~30 tasks above it. */
export const TARGET_SAMPLES = 32_768;

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

/**
 * Records every k-th id, k the smallest prime giving at most TARGET_SAMPLES samples that divides none of the
 * workload's periods (`periods`: every 20th task fails, every 4th spins). Two reasons: each recorded task costs
 * three clock reads (~70 ns each on this class of machine), and a prime that does not divide a period p steps
 * through every residue mod p, so each kind of task is sampled in its own proportion.
 */
export function sampleEveryFor(tasks: number, periods: readonly number[] = []): number {
  let k = Math.max(1, Math.ceil(tasks / TARGET_SAMPLES));
  if (k === 1) return 1;
  while (!isPrime(k) || periods.some((p) => p % k === 0)) k++;
  return k;
}

/** The periods a workload repeats with, which the sampling step must not divide. */
export function workloadPeriods(workload: Workload): number[] {
  return workloadKind(workload).periods?.(workload) ?? [];
}

/** Records ms as integer ns: perf_hooks histograms take integers ≥ 1. */
function record(histogram: RecordableHistogram, ms: number): void {
  histogram.record(Math.max(1, Math.round(ms * 1e6)));
}

export function percentilesOf(histogram: RecordableHistogram): Percentiles {
  if (histogram.count === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const ms = (ns: number): number => ns / 1e6;
  return {
    p50: ms(histogram.percentile(50)),
    p90: ms(histogram.percentile(90)),
    p99: ms(histogram.percentile(99)),
    p999: ms(histogram.percentile(99.9)),
    max: ms(histogram.max),
  };
}

export class LatencyRecorder {
  readonly sampleEvery: number;
  private readonly submits: Float64Array;
  private readonly starts: Float64Array;
  private readonly wait = createHistogram();
  private readonly run = createHistogram();
  private readonly total = createHistogram();
  /** ms between the producer's clock (performance.now) and epoch ms, for starts reported as epoch ms. */
  private readonly epochShift = performance.timeOrigin;

  constructor(probe: TaskProbe) {
    this.sampleEvery = probe.sampleEvery;
    this.starts = new Float64Array(probe.starts);
    this.submits = new Float64Array(this.starts.length);
  }

  /** Forgets the previous pass (warm-up) so its ids' times cannot leak into the next one. */
  reset(): void {
    this.starts.fill(0);
    this.submits.fill(0);
    this.wait.reset();
    this.run.reset();
    this.total.reset();
  }

  /** Call only for ids divisible by sampleEvery. */
  submitted(id: number): void {
    this.submits[id / this.sampleEvery] = performance.now();
  }

  /** Call only for ids divisible by sampleEvery; `startedAt` (epoch ms) stands in when the probe could not be written. */
  settled(id: number, startedAt: number | undefined): void {
    const now = performance.now();
    const slot = id / this.sampleEvery;
    const submit = this.submits[slot]!;
    if (submit === 0) return;
    this.submits[slot] = 0;
    record(this.total, now - submit);
    const start = this.starts[slot] || (startedAt === undefined ? 0 : startedAt - this.epochShift);
    // A task that failed before it ever started (rejected at submit) has no start: only its total counts.
    if (start === 0) return;
    // Clamped: two threads' clocks are aligned to within microseconds, not exactly.
    record(this.wait, Math.max(0, start - submit));
    record(this.run, Math.max(0, now - start));
  }

  summary(): LatencySummary {
    return {
      samples: this.total.count,
      sampleEvery: this.sampleEvery,
      wait: percentilesOf(this.wait),
      run: percentilesOf(this.run),
      total: percentilesOf(this.total),
    };
  }
}
