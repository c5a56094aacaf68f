// The one contract every implementation meets: the home pool, each competitor and each reference row.
import type { Scenario } from '../scenarios/schema.js';
import type { TaskSpec } from '../scenarios/workloads/task.js';

export type AdapterKind = 'in-thread' | 'worker-threads' | 'reference' | 'distributed';

/** What the runner asks for: the scenario plus the thread count it resolved ('auto' → available parallelism). */
export interface RunPlan {
  scenario: Scenario;
  threads: number;
  /** The task spec with the harness's probe (latency, attempts); absent, tasks are built from the workload alone. */
  task?: TaskSpec;
}

/** The settings an implementation really applied; the runner checks them against the plan. */
export interface Applied {
  /** Tasks the implementation lets run at once, or 'unbounded' for the no-pool reference. */
  concurrency: number | 'unbounded';
  /** Worker threads started; 0 means every task runs on the main thread. */
  threads: number;
  /** Threads kept when idle, for pools that shrink (the scenario's dynamicThreads); `threads` is then the maximum. */
  minThreads?: number;
  /** Tasks one worker runs at once (worker pools only). */
  tasksPerWorker?: number;
  /** The options object handed to the library, as passed. */
  options: Record<string, unknown>;
  /** Retries per failed task the implementation applied; absent when it has no retry (failures stand). */
  retries?: number;
}

/**
 * Completion callback, one shared function for every task (so the harness allocates nothing per task):
 * exactly one call per submitted id is the contract the runner checks. `startedAt` (epoch ms) is for implementations
 * whose tasks run where the harness's shared probe cannot reach (other processes): when the task started.
 */
export type Done = (id: number, error: unknown, result?: number, startedAt?: number) => void;

export interface AdapterSession {
  applied: Applied;
  /** Starts one task. Called by the shared producer; must not throw for a task that could be queued. */
  submit(id: number, done: Done): void;
  /** Leaves no worker, timer or handle behind. */
  teardown(): Promise<void>;
  /**
   * Memory the implementation holds outside the measured child (a queue server, worker processes), in bytes.
   * Sampled during the timed run; its peak is recorded next to the child's own heap and RSS.
   */
  externalMemory?(): Promise<ExternalMemory>;
  /** Worker threads alive now, by the pool's own count; sampled when the scenario lets pools shrink and grow. */
  liveThreads?(): number;
}

export interface ExternalMemory {
  /** Total bytes held outside the child process. */
  bytes: number;
  /** What the total is made of, in bytes (for example redis used_memory, worker processes' RSS). */
  parts: Record<string, number>;
}

/** A smaller run an implementation asks for when the scenario's task count cannot finish within its time limit. */
export interface ScaleDown {
  tasks: number;
  reason: string;
}

export interface Skip {
  reason: string;
}

export interface PoolAdapter {
  /** Registry key, shown in tables. */
  name: string;
  /** npm package whose installed version is recorded with results. */
  packageName?: string;
  kind: AdapterKind;
  /** One line on what this row is, shown by --list. */
  summary: string;
  canRun(plan: RunPlan): true | Skip;
  /**
   * Optional: a task count this implementation runs instead of the scenario's, with the reason. The runner then
   * measures the smaller run, scales warm-up alike, and records both counts in the result; nothing else changes.
   */
  scaleDown?(plan: RunPlan): ScaleDown | undefined;
  setup(plan: RunPlan): Promise<AdapterSession>;
}
