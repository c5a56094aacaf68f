// The gate's decision per implementation × metric: a change is "regressed" or "improved" only when the
// Mann–Whitney test says it is real (p < α) AND the median moved beyond the metric's threshold.
import { median } from '../stats/stats.js';
import { mannWhitney, smallestP } from '../stats/mann-whitney.js';
import { tasksRun, type ResultsFile } from '../results/schema.js';

export type Verdict = 'regressed' | 'improved' | 'no change' | 'inconclusive';
export type GateMetric = 'wallMs' | 'heapPeakBytes' | 'cpuMsPerTask' | 'instructionsPerTask';

/** Every metric the gate can judge; `--metric` picks among them. */
export const ALL_GATE_METRICS: readonly GateMetric[] = ['wallMs', 'heapPeakBytes', 'cpuMsPerTask', 'instructionsPerTask'];
/**
 * What the gate judges when no --metric is given: instructions per task, the most sensitive metric that stays honest
 * on a shared machine. Measured in results/notes/gate-quality.txt: it catches a planted 1 % slowdown that wall time,
 * heap and CPU time cannot tell from noise, with no false alarm in its A/A repeats.
 */
export const GATE_METRICS: readonly GateMetric[] = ['instructionsPerTask'];
/**
 * The smallest change each metric calls a regression. Wall time and heap: beyond run-to-run noise on shared
 * machines. Instructions are counted, not sampled (about 0.3 % apart between repeats), so 0.5 % stands clear of them.
 */
export const DEFAULT_THRESHOLDS: Record<GateMetric, number> = { wallMs: 0.1, heapPeakBytes: 0.2, cpuMsPerTask: 0.1, instructionsPerTask: 0.005 };
/**
 * Instructions per task of a row that runs its tasks on worker threads depend on how the threads happen to
 * interleave (how many messages one wake-up handles), so its counts spread by percents where a main-thread row's
 * spread by tenths: 8 counts of home-threads on gate ranged 10,940–12,129, 10.9 % apart
 * (results/notes/instructions-threads-spread.txt). Such rows get this threshold instead of instructionsPerTask's.
 */
export const THREADED_INSTRUCTIONS_THRESHOLD = 0.15;
export const DEFAULT_ALPHA = 0.05;

export interface Judgement {
  verdict: Verdict;
  /** candidate median / baseline median − 1 (0.12 = 12 % larger; for both metrics, larger is worse). */
  change: number;
  p: number | null;
  why: string;
}

export interface GateRow extends Judgement {
  implementation: string;
  scenario: string;
  metric: GateMetric;
  baselineMedian: number;
  candidateMedian: number;
  nBaseline: number;
  nCandidate: number;
}

const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

export function judge(baseline: readonly number[], candidate: readonly number[], threshold: number, alpha = DEFAULT_ALPHA): Judgement {
  const change = median(candidate) / median(baseline) - 1;
  const floor = smallestP(baseline.length, candidate.length);
  if (floor >= alpha) {
    return {
      verdict: 'inconclusive',
      change,
      p: null,
      why: `too few samples (${baseline.length} vs ${candidate.length}): the test cannot reach α = ${alpha}; run more`,
    };
  }
  const { p } = mannWhitney(baseline, candidate);
  if (p < alpha) {
    if (change > threshold) return { verdict: 'regressed', change, p, why: `p = ${p.toFixed(3)} < ${alpha} and +${percent(change)} > ${percent(threshold)}` };
    if (change < -threshold) return { verdict: 'improved', change, p, why: `p = ${p.toFixed(3)} < ${alpha} and ${percent(change)} beyond −${percent(threshold)}` };
    return { verdict: 'no change', change, p, why: `real but within the ${percent(threshold)} threshold` };
  }
  if (Math.abs(change) > threshold) {
    return { verdict: 'inconclusive', change, p, why: `median moved ${percent(change)} but p = ${p.toFixed(3)} ≥ ${alpha}: too noisy; run more` };
  }
  return { verdict: 'no change', change, p, why: `p = ${p.toFixed(3)} ≥ ${alpha}` };
}

/** Per-run values of one metric for one implementation: only runs measured without problems count. */
export function samplesOf(results: ResultsFile, implementation: string, metric: GateMetric): number[] {
  const impl = results.implementations.find((i) => i.name === implementation);
  if (!impl || impl.state === 'skipped') return [];
  if (metric === 'instructionsPerTask') {
    return impl.state === 'completed' && impl.instructions?.state === 'counted' ? [impl.instructions.perTask] : [];
  }
  const tasks = tasksRun(impl, results.scenario.tasks);
  return impl.runs.flatMap((r) => {
    if (r.state !== 'measured' || r.problems.length > 0) return [];
    return [metric === 'cpuMsPerTask' ? (r.sample.cpuUserMs + r.sample.cpuSystemMs) / tasks : r.sample[metric]];
  });
}

/** Metrics whose value grows with the task count: comparable only between runs of the same size. */
export function dependsOnTaskCount(metric: GateMetric): boolean {
  return metric === 'wallMs' || metric === 'heapPeakBytes';
}

/** The task count an implementation's runs had in a file: smaller than the scenario's where the row was scaled. */
export function rowTasks(results: ResultsFile, implementation: string): number {
  const impl = results.implementations.find((i) => i.name === implementation);
  return impl && impl.state !== 'skipped' && impl.scaled ? impl.scaled.tasks : results.scenario.tasks;
}

/** How an implementation's instructions were counted (task counts of the slope and the rest), or null. */
function countMethod(results: ResultsFile, implementation: string): string | null {
  const impl = results.implementations.find((i) => i.name === implementation);
  return impl?.state === 'completed' && impl.instructions ? impl.instructions.method : null;
}

/**
 * Counted metrics (instructions per task) come as one count per side with a repeat spread far below the threshold:
 * no rank test is needed, or possible, on one value; the threshold alone decides.
 */
export function judgeCount(baseline: number, candidate: number, threshold: number): Judgement {
  const change = candidate / baseline - 1;
  const why = `counted, not sampled: ${percent(change)} against the ${percent(threshold)} threshold`;
  if (change > threshold) return { verdict: 'regressed', change, p: null, why };
  if (change < -threshold) return { verdict: 'improved', change, p: null, why };
  return { verdict: 'no change', change, p: null, why };
}

export interface CompareOptions {
  implementations: readonly string[];
  /** Default GATE_METRICS. */
  metrics?: readonly GateMetric[];
  alpha?: number;
  thresholds?: Partial<Record<GateMetric, number>>;
  /** instructionsPerTask's threshold for rows on worker threads; default THREADED_INSTRUCTIONS_THRESHOLD. */
  threadedInstructionsThreshold?: number;
}

/** Whether a row ran its tasks on worker threads (applied threads > 0) on either side. */
function onWorkerThreads(files: readonly ResultsFile[], implementation: string): boolean {
  return files.some((f) => {
    const impl = f.implementations.find((i) => i.name === implementation);
    return impl?.state === 'completed' && impl.applied.threads > 0;
  });
}

export function compare(baseline: ResultsFile, candidate: ResultsFile, options: CompareOptions): GateRow[] {
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const rows: GateRow[] = [];
  for (const implementation of options.implementations) {
    for (const metric of options.metrics ?? GATE_METRICS) {
      const b = samplesOf(baseline, implementation, metric);
      const c = samplesOf(candidate, implementation, metric);
      const base = { implementation, scenario: candidate.scenario.id, metric, nBaseline: b.length, nCandidate: c.length };
      if (b.length === 0 || c.length === 0) {
        const side = b.length === 0 ? 'baseline' : 'candidate';
        rows.push({
          ...base, verdict: 'inconclusive', change: 0, p: null, baselineMedian: NaN, candidateMedian: NaN,
          why: metric === 'instructionsPerTask'
            ? `no instruction count in the ${side} (count with pnpm bench --instructions, or gate --against with --metric instructionsPerTask)`
            : `no clean measured run in the ${side}`,
        });
        continue;
      }
      // Wall time and heap grow with the task count: a row scaled down on one side only cannot be compared on them.
      const sizes = [baseline, candidate].map((f) => rowTasks(f, implementation));
      if (dependsOnTaskCount(metric) && sizes[0] !== sizes[1]) {
        rows.push({
          ...base, verdict: 'inconclusive', change: median(c) / median(b) - 1, p: null, baselineMedian: median(b), candidateMedian: median(c),
          why: `ran ${sizes[0]} tasks in the baseline and ${sizes[1]} in the candidate (scaled): compare cpuMsPerTask or instructionsPerTask instead`,
        });
        continue;
      }
      const methods = metric === 'instructionsPerTask' ? [baseline, candidate].map((f) => countMethod(f, implementation)) : [];
      if (methods[0] !== methods[1]) {
        rows.push({
          ...base, verdict: 'inconclusive', change: c[0]! / b[0]! - 1, p: null, baselineMedian: b[0]!, candidateMedian: c[0]!,
          why: `counted differently (baseline: ${methods[0]}; candidate: ${methods[1]}): count both sides the same way`,
        });
        continue;
      }
      const countThreshold = onWorkerThreads([baseline, candidate], implementation)
        ? (options.threadedInstructionsThreshold ?? THREADED_INSTRUCTIONS_THRESHOLD)
        : thresholds.instructionsPerTask;
      const judgement = metric === 'instructionsPerTask' ? judgeCount(b[0]!, c[0]!, countThreshold) : judge(b, c, thresholds[metric], options.alpha);
      rows.push({ ...base, ...judgement, baselineMedian: median(b), candidateMedian: median(c) });
    }
  }
  return rows;
}
