// What one workload kind declares: its fields, its task, its ideal, its periods and what it needs from a pool.
// Every kind is one file next to this one and one line in index.ts; nothing else switches on kinds.
import type { Task, TaskMessage, TaskProbe } from './runtime.js';

/** How a scenario file's workload field is checked; the scenario schema reads it with its field reader. */
export type FieldSpec =
  | { type: 'positive-number' }
  | { type: 'integer'; min: number; max?: number }
  /** `allowed` says what each value means, for the error. */
  | { type: 'boolean'; allowed: string }
  /** A module file, written relative to the scenario file's folder and stored as an absolute path; it must exist. */
  | { type: 'module-path' }
  /** The name of a module's export; `default` when the field is absent. */
  | { type: 'export-name'; default: string }
  /** Optional: any JSON value, or `{ "generator": path, "export": name }` naming an input-generator module. */
  | { type: 'module-input' };

/** A lower bound on wall time with how it was reached (the shape of the results file's ideal). */
export interface IdealEstimate {
  ms: number;
  basis: string;
}

/** What an ideal depends on besides the workload. */
export interface RunShape {
  tasks: number;
  concurrency: number;
  /** Threads the run may use for CPU work. */
  threads: number;
  /** A bursts producer's rhythm: the last burst cannot start before its release. Absent for other producers. */
  bursts?: { size: number; everyMs: number };
}

/** One task's time on one core, measured by the harness (so worker threads that load workloads never load a bench library). */
export interface Calibration {
  perTaskMs: number;
  samples: number;
  /** How it was measured, for the ideal's basis ("tinybench p50"). */
  method: string;
}

/** Times `once` (one task's work, sync or async) until its statistics settle. */
export type Calibrate = (once: () => void | Promise<void>) => Promise<Calibration>;

export interface WorkloadKind<W extends { kind: string }> {
  kind: W['kind'];
  /** Every field besides kind, in the order they are checked, each with its rule. */
  fields: { readonly [F in Exclude<keyof W, 'kind'>]: FieldSpec };
  /**
   * Loads what the task needs before its first call (a user's module), once per thread: the harness awaits it in the
   * main thread and every worker file awaits it (prepareTask) before createTask. Rejects with a user-facing error.
   */
  prepare?(workload: W): Promise<void>;
  /** The task every implementation runs; `probe` is the harness's shared memory (absent: nothing is recorded). */
  createTask(workload: W, probe: TaskProbe | undefined): Task;
  /** The wall time a perfect pool would need, when it is known without measuring. */
  exactIdeal?(workload: W, shape: RunShape): IdealEstimate;
  /** The same, for work whose duration must be measured on this machine first; null when it cannot be (a task that throws). */
  calibratedIdeal?(workload: W, shape: RunShape, calibrate: Calibrate): Promise<IdealEstimate | null>;
  /** Periods the workload repeats with (every n-th task differs), which latency sampling must not fall in step with. */
  periods?(workload: W): number[];
  /** Set when a pool that runs every task on the main thread cannot run this workload: the reason it skips. */
  needsThreads?: string;
  /** For workloads whose tasks carry data: builds each task's message (called by the harness, once per task). */
  dataPerTask?(workload: W): (id: number) => TaskMessage;
  /** Tasks count their attempts in the harness's shared memory, so they need a probe and a pool that reaches it. */
  countsAttempts?: boolean;
}
