// How a scenario's concurrency becomes thread-pool knobs. Shared so every worker pool is translated the same way.
import type { RunShape } from '../scenarios/workloads/kind.js';
import type { TaskSpec } from '../scenarios/workloads/task.js';
import type { RunPlan, Skip } from './types.js';
import { compiledFile } from '../core/paths.js';

export interface ThreadSplit {
  threads: number;
  tasksPerWorker: number;
}

/** Thread bounds from the scenario: fixed (min = max), or dynamic with the idle timeout every pool is given. */
export function threadBounds(plan: RunPlan): { min: number; max: number; idleTimeoutMs: number | null } {
  const dynamic = plan.scenario.dynamicThreads;
  if (!dynamic) return { min: plan.threads, max: plan.threads, idleTimeoutMs: null };
  return { min: Math.min(dynamic.min, plan.threads), max: plan.threads, idleTimeoutMs: dynamic.idleTimeoutMs };
}

/**
 * The thread counts a pool reports, from what it says of itself: a fixed pool, the threads it really started; a
 * dynamic one starts at its minimum, so its configured maximum, with the minimum beside it.
 */
export function appliedThreads(dynamic: boolean, started: number, min: number, max: number): { threads: number; minThreads?: number } {
  if (!dynamic) return { threads: started };
  return { threads: max, ...(min < max ? { minThreads: min } : {}) };
}

/** threads × tasksPerWorker must equal the scenario's concurrency exactly; otherwise the scenario is not expressible. */
export function splitAcrossThreads(plan: RunPlan): ThreadSplit | Skip {
  const { concurrency } = plan.scenario;
  const threads = plan.threads;
  if (concurrency % threads !== 0) {
    return {
      reason: `concurrency ${concurrency} is not a multiple of ${threads} threads, so threads × tasks per worker cannot equal it`,
    };
  }
  return { threads, tasksPerWorker: concurrency / threads };
}

/** The split for setup(); the runner only calls setup after canRun said yes. */
export function requireSplit(plan: RunPlan): ThreadSplit {
  const split = splitAcrossThreads(plan);
  if (isSkip(split)) throw new Error(split.reason);
  return split;
}

export function isSkip(value: unknown): value is Skip {
  return typeof value === 'object' && value !== null && 'reason' in value;
}

/** What every task is built from, in the main thread or a worker: the workload plus the harness's probe. */
export function taskSpecFor(plan: RunPlan): TaskSpec {
  return plan.task ?? { workload: plan.scenario.workload };
}

/** Data each worker needs to build its task (its SharedArrayBuffers are shared with the harness, not copied). */
export function workerDataFor(plan: RunPlan): TaskSpec {
  return taskSpecFor(plan);
}

/** What a workload's ideal depends on besides the workload: the run's size, threads and a bursts producer's rhythm. */
export function runShape(plan: RunPlan): RunShape {
  const { tasks, concurrency, producer } = plan.scenario;
  const bursts = producer.style === 'bursts' ? { bursts: { size: producer.size, everyMs: producer.everyMs } } : {};
  return { tasks, concurrency, threads: plan.threads, ...bursts };
}

/**
 * Worker files always run compiled JavaScript from dist/, never TypeScript through a loader,
 * so no pool pays a transpile cost inside measured time — even when the caller runs from source (tests).
 */
export function compiledWorkerFile(name: string): string {
  return compiledFile('impls', 'workers', `${name}.js`);
}
