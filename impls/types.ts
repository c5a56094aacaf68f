// The one contract every implementation meets: the home pool, each competitor and each reference row.
import type { Scenario } from '../scenarios/schema.js';
import type { TaskInput, TaskSpec } from '../scenarios/workloads/task.js';

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
  /**
   * Starts one task. Called by the shared producer; must not throw for a task that could be queued. For workloads
   * that carry data per task the producer passes the task's `input` (its message) and, when the buffers are to be
   * moved rather than copied, the `transferList`: the adapter hands both on in its library's own API. Otherwise the
   * task's input is its id, and both are absent.
   */
  submit(id: number, done: Done, input?: TaskInput, transferList?: ArrayBuffer[]): void;
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

/** Yes, or no with the reason (the skip reason when a scenario needs it). */
export type Can = true | string;

/**
 * What an implementation can do, as data: the one generic canRun (capabilities.ts) decides every skip from these,
 * the workload's needs and the scenario; --list and the capability table render them.
 */
export interface Capabilities {
  /** Where tasks run. A workload that needs threads (CPU-bound, payload) skips 'main-thread' pools. */
  runsOn: 'main-thread' | 'worker-threads' | 'processes';
  /** How the scenario's concurrency is applied: a limit, none at all, workers × tasks per worker, or one task per thread. */
  concurrency: 'limit' | 'unbounded' | 'workers × tasks per worker' | 'one task per thread';
  /** Shrinks to dynamicThreads.min when idle and grows back; null when it starts no threads (the setting does not apply). */
  dynamicThreads: Can | null;
  /** Hands each task a message of its own, buffers transferred or copied, instead of its id (the payload workload). */
  taskMessages: Can;
  /** Tasks run where the harness's SharedArrayBuffers reach (attempt counters of the flaky workload, start times). */
  sharedMemory: Can;
  /** Retries failed tasks as the scenario's retries ask. Not a skip: a row without it says so in its notes. */
  retry: Can;
}

/** Something the machine must provide (a queue server), checked before an implementation runs. */
export interface Requirement {
  /** In words, for --list and the capability table. */
  what: string;
  /** Whether the environment provides it; the skip reason when not. */
  check(env: NodeJS.ProcessEnv): true | Skip;
}

/**
 * A named setting of an implementation, run as its own row: `piscina[atomics=disabled]`. The plain row keeps the
 * library's defaults; a variant applies `options` over them, and each must show, as given, in applied.options.
 */
export interface Variant {
  /** What the row's name carries in brackets: `atomics=disabled`. */
  name: string;
  /** The settings it applies, as the adapter records them in applied.options. */
  options: Record<string, unknown>;
  /** Why the setting is worth a row, for --list. */
  summary: string;
}

/** Where an implementation loaded from outside the registry (--impl ./my-adapter.js) came from, recorded with its results. */
export interface AdapterSource {
  /** Absolute path of the adapter module. */
  path: string;
  /** The nearest package.json above the module: its name and version; null where there is none (or it has none). */
  packageName: string | null;
  version: string | null;
}

/** Everything known about an implementation without loading its library: enough to list, plan and skip it. */
export interface AdapterInfo {
  /** Registry key, shown in tables. */
  name: string;
  /** npm package whose installed version is recorded with results. */
  packageName?: string;
  kind: AdapterKind;
  /** One line on what this row is, shown by --list. */
  summary: string;
  capabilities: Capabilities;
  requires?: Requirement;
  /**
   * Optional: a task count this implementation runs instead of the scenario's, with the reason. The runner then
   * measures the smaller run, scales warm-up alike, and records both counts in the result; nothing else changes.
   */
  scaleDown?(plan: RunPlan): ScaleDown | undefined;
  /** Set on a variant's row: the setting it applies (the row's name is `base[variant.name]`). */
  variant?: Variant;
  /** Set for an implementation loaded from a file outside the registry. */
  source?: AdapterSource;
  /** Why this row runs only when named with --impl (it is left out of the default set). */
  onlyWhenNamed?: string;
}

/** What an adapter file exports: the part that loads its library. `variant`: the named setting to apply, if any. */
export interface AdapterModule {
  setup(plan: RunPlan, variant?: Variant): Promise<AdapterSession>;
}

/** A loaded implementation, ready to measure: its description plus its setup. */
export interface PoolAdapter extends AdapterInfo, AdapterModule {}

/** A registry entry: the description as data; load() imports the adapter's module (and so its library) on demand. */
export interface RegistryEntry extends AdapterInfo {
  load(): Promise<PoolAdapter>;
  /** The named settings this implementation can also run with, each its own row (registry data). */
  variants?: readonly Variant[];
}
