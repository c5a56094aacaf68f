// The results file, defined once: every type a results file holds, its version, and the validator every reader uses.
// Writers build these shapes; readers (table, gate, export, report) accept a file only through validateResults().
import type { Scenario } from '../../scenarios/schema.js';
import type { AdapterKind, AdapterSource, Applied, ExternalMemory } from '../../impls/types.js';
import { errors } from '../../core/errors.js';

export const RESULTS_SCHEMA_VERSION = 1;

export type RunRecord =
  | { runIndex: number; state: 'measured'; applied: Applied; sample: RunSample; problems: string[] }
  | { runIndex: number; state: 'failed'; reason: string; elapsedMs: number };

export interface ImplementationSummary {
  wallMs: Summary;
  heapPeakBytes: Summary;
  maxRssBytes: Summary;
  cpuCores: Summary;
}

/** An implementation measured at fewer tasks than the scenario's, because the full count could not finish in time. */
export interface ScaledRun {
  tasks: number;
  fromTasks: number;
  reason: string;
  /** The ideal at the smaller task count: distance from ideal is measured against this one. */
  ideal: Ideal | null;
}

/**
 * A row's first run at fewer tasks (settle.slowRows) that found it fast enough to run full size: kept out of its
 * runs and statistics, recorded here so nothing measured is hidden.
 */
export interface Probe {
  tasks: number;
  wallMs: number;
}

interface ImplementationBase {
  name: string;
  version: string | null;
  kind: AdapterKind;
  /**
   * What the row's measured child ran under (pnpm bench --runtime, or the Go reference's own binary). Absent: the
   * invocation's own node (env.node). Tables group rows by it, so rows of different runtimes are never ranked together.
   */
  runtime?: RuntimeInfo;
}

/** A runtime as recorded with a row: which program, which version, and where it came from. */
export interface RuntimeInfo {
  /** node, bun, deno or go (a native reference row); for an explicit binary of unknown kind, its file name. */
  name: string;
  version: string;
  /** Where the binary came from: the invocation's own node, an npm package in the runtime cache, a path. */
  source: string;
}

/** How a runtime is named in tables: "bun 1.4.5". */
export function runtimeLabel(runtime: RuntimeInfo): string {
  return `${runtime.name} ${runtime.version}`;
}

export type ImplementationResult =
  | (ImplementationBase & {
      state: 'completed';
      applied: Applied;
      runs: RunRecord[];
      summary: ImplementationSummary;
      scaled?: ScaledRun;
      probe?: Probe;
      notes?: string[];
      instructions?: InstructionCount;
    })
  | (ImplementationBase & {
      state: 'errored';
      reason: string;
      applied?: Applied;
      runs: RunRecord[];
      summary?: ImplementationSummary;
      scaled?: ScaledRun;
      probe?: Probe;
      notes?: string[];
    })
  | (ImplementationBase & { state: 'skipped'; reason: string });

/** The tasks an implementation's runs really ran: the scenario's, or fewer for a scaled-down row. */
export function tasksRun(impl: ImplementationResult, scenarioTasks: number): number {
  return impl.state !== 'skipped' && impl.scaled ? impl.scaled.tasks : scenarioTasks;
}

export interface Ideal {
  ms: number;
  basis: string;
}

export interface ResultsFile {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  createdAt: string;
  scenario: Scenario;
  /** Measured runs requested per implementation (the scenario's, or --runs). */
  runsPerImplementation: number;
  ideal: Ideal | null;
  env: Environment;
  implementations: ImplementationResult[];
  /** Present when the invocation was interrupted: what was measured before it stopped, and why it stopped. */
  partial?: { reason: string };
  /** How memory was sampled during each timed run; absent only in files written before it was recorded. */
  sampling?: Sampling;
  /** Present when rows ran until settled: the target and limits each row's runs were given (runsPerImplementation is then the minimum). */
  adaptive?: {
    precision: number;
    maxRuns: number;
    rowBudgetSeconds: number;
    /** The child seconds all rows' runs could use together, and whether that stopped a row that wanted more runs. */
    budgetSeconds?: number;
    budgetRanOut?: boolean;
    /** Each row's first run was a probe at `tasks`; rows whose full run would take over `aboveSeconds` stayed there. */
    slowRows?: { tasks: number; aboveSeconds: number };
  };
  /** Computed from the runs above (harness/stats/analysis.ts) when the file is written; readers may recompute it. */
  analysis?: Analysis;
}

/** An estimate with its confidence interval; bounds 0 and Infinity (written as "Infinity": JSON has none) with a null confidence when the runs are too few. */
export interface IntervalEstimate {
  estimate: number;
  low: number;
  high: number;
  confidence: number | null;
}

export interface RowAnalysis {
  name: string;
  /** Clean measured runs the figures come from. */
  runs: number;
  /** Half the median's interval over the median (0.05 = ±5 %); Infinity when the runs are too few for a bound. */
  medianHalfWidth: number;
  /** With adaptive runs: whether the row reached the precision target. Null when runs were not adaptive. */
  settled: boolean | null;
  /** Median wall time of the run (for a scaled-down row, of its own smaller run). */
  wallMs: IntervalEstimate;
  xIdeal: IntervalEstimate | null;
  /** This row over the fastest row that honours the limit, per task. Null for rows that ignore the limit. */
  xFastest: IntervalEstimate | null;
  /** This row over the hand-written floor of its kind (lanes for in-thread, raw-workers for worker threads). */
  xFloor: { floor: string; ratio: IntervalEstimate } | null;
  /** (user + system CPU) per task, in µs. */
  cpuMicrosPerTask: IntervalEstimate | null;
  /** Shared where the intervals cannot tell rows apart: best 1, worst 3 prints as 1–3. */
  rank: { best: number; worst: number } | null;
}

export interface Analysis {
  confidence: number;
  method: string;
  fastest: string | null;
  rows: RowAnalysis[];
  /** "a ran 1.32× [1.26, 1.38] faster than b", only where the interval excludes 1. */
  verdicts: string[];
  /** Rows the data cannot separate from the fastest. */
  tiedWithFastest: string[];
}

/** Instructions per task for one implementation (opt-in: --instructions), with how they were counted. */
export type InstructionCount =
  | { state: 'counted'; perTask: number; counts: Array<{ tasks: number; instructions: number }>; method: string }
  | { state: 'skipped' | 'failed'; reason: string; method: string };

/** How the timed run's memory figures were sampled, so a reader knows what a peak can have missed. */
export interface Sampling {
  /** Main-thread heapUsed and process RSS: a timer in the measured child reading process.memoryUsage(). */
  heap: { sampler: 'interval-timer'; intervalMs: number; source: 'process.memoryUsage' };
  /** Memory held outside the child (adapters that report it): asked for over a round trip, less often. */
  external: { sampler: 'interval-timer'; intervalMs: number; source: 'adapter.externalMemory' };
}

export interface Environment {
  node: string;
  v8: string;
  os: string;
  arch: string;
  cpuModel: string;
  cores: number;
  availableParallelism: number;
  totalMemoryBytes: number;
  gitSha: string | null;
  gitDirty: boolean | null;
  /** Installed version of each library an implementation wraps, read from its package.json. */
  libraries: Record<string, string>;
  /** --max-old-space-size given to every measured child. */
  childHeapLimitMB: number;
  ci: boolean;
}

export interface MemoryPoint {
  /** ms since the timed run started */
  t: number;
  heapUsed: number;
  rss: number;
  /** OS threads of the process (Linux), sampled only when the scenario lets thread pools shrink and grow. */
  threads?: number;
}

export interface RunSample {
  wallMs: number;
  setupMs: number;
  warmupMs: number;
  teardownMs: number;
  /** Main-thread heapUsed right before the timed run, after a forced GC. */
  heapBaselineBytes: number;
  /** Highest main-thread heapUsed sampled during the timed run (worker heaps are not included). */
  heapPeakBytes: number;
  /** Highest process RSS sampled during the timed run (all threads). */
  rssPeakBytes: number;
  /** The OS's peak RSS for the whole child (getrusage maxrss), setup and warm-up included. */
  maxRssBytes: number;
  gcCount: number;
  gcPauseMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** (user + system CPU) / wall time, in cores: 1.0 = one core busy throughout. */
  cpuCores: number;
  tally: Tally;
  /** The measured child's main-thread responsiveness during the timed run; absent in files written before it was recorded. */
  eventLoop?: EventLoopSample;
  warmupTally?: Tally;
  /** Memory over the timed run, at most TIMELINE_POINTS points. */
  timeline: MemoryPoint[];
  /** Per-task wait, run and total time of the timed run (absent when recording was switched off). */
  latency?: LatencySummary;
  /** Fewest and most OS threads of the process during the run, when sampled (dynamicThreads scenarios, Linux). */
  osThreads?: { min: number; max: number };
  /**
   * The pool's own count of live worker threads during the run (dynamicThreads scenarios): fewest, most, and how
   * many times a sample found fewer than the one before (threads retired). The OS count lags: a terminated worker
   * holds its OS thread until it has fully exited.
   */
  poolThreads?: { min: number; max: number; drops: number };
  /** Peak memory held outside the child (a queue server, worker processes), for implementations that report it. */
  externalPeak?: ExternalMemory;
  /**
   * Measurements this run could not make, each with the reason (a runtime without gc entries in perf_hooks, a Go
   * child without per-task latency): the fields stay in the sample, but these ones are not measured figures.
   */
  unmeasured?: string[];
}

/**
 * Main-thread responsiveness over the timed window (perf_hooks.monitorEventLoopDelay and
 * performance.eventLoopUtilization): how late a timer fires beyond its resolution, and how busy the loop was.
 */
export interface EventLoopSample {
  delayP50Ms: number;
  delayP99Ms: number;
  delayMaxMs: number;
  /** 0–1: the share of the window the main thread spent running code rather than waiting for events. */
  utilization: number;
  /** Timer intervals recorded; 0 when the window was shorter than one interval (the delays are then 0). */
  samples: number;
  /** The delay timer's interval in ms. */
  resolutionMs: number;
}

export interface Tally {
  tasks: number;
  /** Distinct ids that completed successfully. */
  completed: number;
  /** Distinct ids that failed. */
  failed: number;
  /** Completion calls beyond the first for an id. */
  duplicated: number;
  /** Results that decoded to a different id than the task they completed. */
  mismatched: number;
  /** Ids never settled: tasks - completed - failed. */
  lost: number;
  /** Most tasks running at once, as seen by the task module (in-thread: all; in a worker: that worker). */
  peakRunning: number;
  firstError?: string;
  /** First submit to last completion. */
  wallMs: number;
  /** Counted only when the workload counts attempts (flaky): ids that succeeded on their first and only attempt. */
  firstTry?: number;
  /** Counted only when the workload counts attempts (flaky): ids that succeeded after at least one retry. */
  retried?: number;
  /** Counted only when the workload counts attempts: attempts made in all, first tries included. */
  attempts?: number;
}

/** Percentiles in ms. Histograms keep 3 significant digits, so each figure is within 0.1 % of the exact one. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface LatencySummary {
  /** Tasks whose latency was recorded. */
  samples: number;
  /** Every sampleEvery-th task id was recorded (1 = all). */
  sampleEvery: number;
  wait: Percentiles;
  run: Percentiles;
  total: Percentiles;
}

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  mean: number;
  /** Sample standard deviation (n - 1). 0 when n = 1. */
  sd: number;
}


// ---- The validator: every reader goes through this, so a file of the wrong shape fails with its name and field. ----

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const STATES = ['completed', 'errored', 'skipped'] as const;
const SUMMARY_FIELDS = ['wallMs', 'heapPeakBytes', 'maxRssBytes', 'cpuCores'] as const;

/**
 * Checks that parsed JSON is a results file this version can read, down to the fields tables, gates, exports and the
 * report compute from. `shown` names the file in every error.
 */
export function validateResults(json: unknown, shown: string): ResultsFile {
  if (!isObject(json)) throw errors.invalidField(shown, '(top level)', json, 'an object');
  if (json.schemaVersion !== RESULTS_SCHEMA_VERSION) throw errors.unsupportedSchema(shown, json.schemaVersion, RESULTS_SCHEMA_VERSION);
  if (typeof json.createdAt !== 'string' || Number.isNaN(Date.parse(json.createdAt))) {
    throw errors.invalidField(shown, 'createdAt', json.createdAt, 'an ISO date');
  }
  const scenario = json.scenario;
  if (!isObject(scenario) || typeof scenario.id !== 'string' || typeof scenario.tasks !== 'number') {
    throw errors.invalidField(shown, 'scenario', scenario, 'a scenario with an id and tasks');
  }
  const env = json.env;
  if (!isObject(env) || typeof env.cpuModel !== 'string' || typeof env.cores !== 'number' || typeof env.os !== 'string') {
    throw errors.invalidField(shown, 'env', env, 'an environment with cpuModel, cores and os');
  }
  if (typeof json.runsPerImplementation !== 'number') {
    throw errors.invalidField(shown, 'runsPerImplementation', json.runsPerImplementation, 'a number');
  }
  if (json.ideal !== null && !(isObject(json.ideal) && typeof json.ideal.ms === 'number')) {
    throw errors.invalidField(shown, 'ideal', json.ideal, 'null or { ms, basis }');
  }
  if (!Array.isArray(json.implementations)) throw errors.invalidField(shown, 'implementations', json.implementations, 'an array');
  json.implementations.forEach((impl: unknown, i) => {
    const path = `implementations[${i}]`;
    if (!isObject(impl) || typeof impl.name !== 'string') throw errors.invalidField(shown, `${path}.name`, isObject(impl) ? impl.name : impl, 'a string');
    if (!(STATES as readonly unknown[]).includes(impl.state)) throw errors.invalidField(shown, `${path}.state`, impl.state, STATES.join(' | '));
    if (impl.state !== 'skipped' && !Array.isArray(impl.runs)) throw errors.invalidField(shown, `${path}.runs`, impl.runs, 'an array');
    if (impl.runtime !== undefined) {
      const runtime = impl.runtime;
      const bad = (['name', 'version', 'source'] as const).find((k) => !isObject(runtime) || typeof runtime[k] !== 'string');
      if (bad) throw errors.invalidField(shown, `${path}.runtime.${bad}`, isObject(runtime) ? runtime[bad] : runtime, 'a string');
    }
    if (impl.probe !== undefined) {
      const probe = impl.probe;
      const bad = (['tasks', 'wallMs'] as const).find((k) => !isObject(probe) || typeof probe[k] !== 'number');
      if (bad) throw errors.invalidField(shown, `${path}.probe.${bad}`, isObject(probe) ? probe[bad] : probe, 'a number');
    }
    if (impl.state === 'completed' || impl.summary !== undefined) {
      for (const field of SUMMARY_FIELDS) {
        const summary = isObject(impl.summary) ? impl.summary[field] : undefined;
        const bad = (['median', 'min', 'max'] as const).find((k) => !isObject(summary) || typeof summary[k] !== 'number');
        if (bad) throw errors.invalidField(shown, `${path}.summary.${field}.${bad}`, isObject(summary) ? summary[bad] : summary, 'a number');
      }
    }
    if (Array.isArray(impl.runs)) {
      impl.runs.forEach((run: unknown, r) => {
        if (!isObject(run) || (run.state !== 'measured' && run.state !== 'failed')) {
          throw errors.invalidField(shown, `${path}.runs[${r}].state`, isObject(run) ? run.state : run, 'measured | failed');
        }
        if (run.state !== 'measured') return;
        const sample = run.sample;
        for (const field of ['wallMs', 'heapPeakBytes', 'maxRssBytes', 'cpuCores'] as const) {
          const value = isObject(sample) ? sample[field] : undefined;
          if (typeof value !== 'number') throw errors.invalidField(shown, `${path}.runs[${r}].sample.${field}`, value, 'a number');
        }
      });
    }
  });
  return json as unknown as ResultsFile;
}
