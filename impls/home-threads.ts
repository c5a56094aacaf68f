// The home pool's thread engine, translated like piscina and tinypool: threads × tasks per worker = concurrency.
import { ThreadPool } from '@poolbench/home';
import type { TaskInput } from '../scenarios/workloads/task.js';
import { appliedThreads, compiledWorkerFile, requireSplit, threadBounds, workerDataFor } from './mapping.js';
import type { AdapterSession, Done, RunPlan } from './types.js';

export async function setup(plan: RunPlan): Promise<AdapterSession> {
  const split = requireSplit(plan);
  const retries = plan.scenario.retries ?? 0;
  const bounds = threadBounds(plan);
  const options = {
    ...(retries > 0 ? { retry: retries } : {}),
    ...(bounds.idleTimeoutMs === null ? {} : { idleTimeoutMs: bounds.idleTimeoutMs }),
    filename: compiledWorkerFile('home-worker'),
    minThreads: bounds.min,
    maxThreads: bounds.max,
    concurrentTasksPerWorker: split.tasksPerWorker,
    workerData: workerDataFor(plan),
  };
  const pool = new ThreadPool<TaskInput, number>(options);
  let done: Done | undefined;
  // The pool hands each task's argument back to the callback (an id, or a message naming it): one function for all.
  const callback = (error: unknown, result: number | undefined, input: TaskInput): void =>
    done!(typeof input === 'number' ? input : input.id, error ?? null, result);
  const limits = pool.limits;
  return {
    applied: {
      concurrency: limits.maxThreads * limits.concurrentTasksPerWorker,
      ...appliedThreads(bounds.idleTimeoutMs !== null, pool.threads, limits.minThreads, limits.maxThreads),
      tasksPerWorker: limits.concurrentTasksPerWorker,
      options: { ...options, filename: 'home-worker.js' },
      retries,
    },
    submit(id, producerDone, input, transferList) {
      done = producerDone;
      if (transferList) pool.run(input!, callback, { transferList });
      else pool.run(input ?? id, callback);
    },
    liveThreads: () => pool.threads,
    async teardown() {
      await pool.destroy();
    },
  };
}
