// Whether an implementation can run a plan, decided from data alone: its declared capabilities, the workload's
// needs (scenarios/workloads/) and the scenario. No library is loaded to answer, so the runner, --list and the gate
// can plan every row before any child starts.
import { workloadKind, workloadKinds, type Workload } from '../scenarios/workloads/index.js';
import type { WorkloadKind } from '../scenarios/workloads/kind.js';
import { isSkip, splitAcrossThreads } from './mapping.js';
import type { AdapterInfo, AdapterKind, Can, Capabilities, RunPlan, Skip } from './types.js';

/** The reason, when a capability is a no. */
function lacking(capability: Can | null): string | undefined {
  return typeof capability === 'string' ? capability : undefined;
}

/** What these capabilities lack for the workload kind's data or shared memory, in the pool's words; undefined if nothing. */
function missingFor(capabilities: Capabilities, kind: WorkloadKind<Workload>): string | undefined {
  return (kind.dataPerTask ? lacking(capabilities.taskMessages) : undefined) ?? (kind.countsAttempts ? lacking(capabilities.sharedMemory) : undefined);
}

/** Why these capabilities cannot run the workload kind at all, whatever the rest of the scenario says. */
function workloadSkip(capabilities: Capabilities, kind: WorkloadKind<Workload>): Skip | undefined {
  const mainThreadOnly = (k: WorkloadKind<Workload>): boolean => k.needsThreads !== undefined && capabilities.runsOn === 'main-thread';
  if (mainThreadOnly(kind)) return { reason: kind.needsThreads! };
  const missing = missingFor(capabilities, kind);
  if (missing === undefined) return undefined;
  const supported = (workloadKinds as readonly WorkloadKind<Workload>[]).filter((k) => !mainThreadOnly(k) && missingFor(capabilities, k) === undefined);
  return { reason: `workload ${kind.kind} is not supported: ${missing} (supported: ${supported.map((k) => k.kind).join(', ')})` };
}

/** How the scenario's concurrency maps onto this implementation, or why it cannot. */
function concurrencySkip(capabilities: Capabilities, plan: RunPlan): Skip | undefined {
  const { concurrency } = plan.scenario;
  switch (capabilities.concurrency) {
    case 'limit':
    case 'unbounded':
      return undefined;
    case 'workers × tasks per worker': {
      const split = splitAcrossThreads(plan);
      return isSkip(split) ? split : undefined;
    }
    case 'one task per thread':
      if (concurrency === plan.threads) return undefined;
      return {
        reason: `runs one task per worker: ${concurrency} concurrent tasks would need ${concurrency} threads, the scenario gives ${plan.threads}`,
      };
  }
}

/**
 * The one canRun: the workload's needs against the capabilities, then what the machine must provide, then the
 * scenario's thread settings. `env` is where requirements look (tests pass their own).
 */
export function canRun(adapter: AdapterInfo, plan: RunPlan, env: NodeJS.ProcessEnv = process.env): true | Skip {
  const { capabilities } = adapter;
  const workload = workloadSkip(capabilities, workloadKind(plan.scenario.workload));
  if (workload) return workload;
  const required = adapter.requires?.check(env);
  if (required !== undefined && required !== true) return required;
  const shrink = lacking(capabilities.dynamicThreads);
  if (plan.scenario.dynamicThreads && shrink !== undefined) return { reason: shrink };
  return concurrencySkip(capabilities, plan) ?? true;
}

/** The retry answer of every pool without one. */
export const NO_RETRY = 'no retry option: a failed task stays failed';

/** In-thread limiters: the scenario's concurrency is their limit, every task runs in this thread with its id. */
export const MAIN_THREAD: Capabilities = {
  runsOn: 'main-thread',
  concurrency: 'limit',
  dynamicThreads: null,
  taskMessages: 'calls each task in this thread with its id only',
  sharedMemory: true,
  retry: NO_RETRY,
};

/** Worker-thread pools that take threads × tasks per worker, shrink when idle and pass messages with transfer lists. */
export const WORKER_POOL: Capabilities = {
  runsOn: 'worker-threads',
  concurrency: 'workers × tasks per worker',
  dynamicThreads: true,
  taskMessages: true,
  sharedMemory: true,
  retry: NO_RETRY,
};

/** The dynamicThreads answer of pools whose thread (or process) count is set once at start. */
export const FIXED_THREADS = 'starts a fixed number of threads: it cannot shrink to dynamicThreads.min when idle';

/** Column headings of the capability table, in order. */
export const CAPABILITY_LABELS = {
  runsOn: 'tasks run on',
  concurrency: 'concurrency',
  dynamicThreads: 'shrinks when idle (dynamicThreads)',
  taskMessages: 'per-task messages (payload)',
  sharedMemory: 'shared memory (flaky attempts)',
  retry: 'retries',
  requires: 'requires',
} as const satisfies Record<keyof Capabilities | 'requires', string>;

export type CapabilityColumn = keyof typeof CAPABILITY_LABELS;

/** One cell: 'yes', 'no' (with the reason), 'n/a', or the setting's value ('workers × tasks per worker'). */
export interface CapabilityCell {
  value: string;
  reason?: string;
}

export interface CapabilityRow {
  name: string;
  kind: AdapterKind;
  cells: Record<CapabilityColumn, CapabilityCell>;
}

function cell(value: Can | null): CapabilityCell {
  if (value === true) return { value: 'yes' };
  if (value === null) return { value: 'n/a' };
  return { value: 'no', reason: value };
}

/** Plain data, one row per implementation: what the docs render as the capability table. */
export function capabilityRows(adapters: readonly AdapterInfo[]): CapabilityRow[] {
  return adapters.map(({ name, kind, capabilities: c, requires }) => ({
    name,
    kind,
    cells: {
      runsOn: { value: c.runsOn },
      concurrency: { value: c.concurrency },
      dynamicThreads: cell(c.dynamicThreads),
      taskMessages: cell(c.taskMessages),
      sharedMemory: cell(c.sharedMemory),
      retry: cell(c.retry),
      requires: { value: requires ? requires.what : 'nothing' },
    },
  }));
}
