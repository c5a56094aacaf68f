// How a scenario's concurrency becomes thread-pool knobs. Shared so every worker pool is translated the same way.
import type { Workload } from '../scenarios/workloads/task.js';
import type { RunPlan, Skip } from './types.js';
import { compiledFile } from '../scripts/paths.js';

export interface ThreadSplit {
  threads: number;
  tasksPerWorker: number;
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

/** canRun of every adapter that maps concurrency onto threads × tasks per worker. */
export function threadSplitCanRun(plan: RunPlan): true | Skip {
  const split = splitAcrossThreads(plan);
  return isSkip(split) ? split : true;
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

/** In-thread limiters run on the main thread: a CPU-bound scenario would ignore its thread count. */
export function inThreadCanRun(plan: RunPlan): true | Skip {
  if (plan.scenario.workload.kind === 'cpu') {
    return { reason: 'runs every task on the main thread, so CPU-bound work cannot use the scenario\'s threads' };
  }
  return true;
}

/** Data each worker needs to build its task: only the workload. */
export function workerDataFor(plan: RunPlan): Workload {
  return plan.scenario.workload;
}

/**
 * Worker files always run compiled JavaScript from dist/, never TypeScript through a loader,
 * so no pool pays a transpile cost inside measured time — even when the caller runs from source (tests).
 */
export function compiledWorkerFile(name: string): string {
  return compiledFile('impls', 'workers', `${name}.js`);
}
