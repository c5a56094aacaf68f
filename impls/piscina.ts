// piscina: a worker-thread pool; threads × concurrentTasksPerWorker.
import { Piscina } from 'piscina';
import { appliedThreads, compiledWorkerFile, requireSplit, threadBounds, workerDataFor } from './mapping.js';
import type { AdapterSession, RunPlan, Variant } from './types.js';

export async function setup(plan: RunPlan, variant?: Variant): Promise<AdapterSession> {
  const split = requireSplit(plan);
  const bounds = threadBounds(plan);
  const options = {
    ...(bounds.idleTimeoutMs === null ? {} : { idleTimeout: bounds.idleTimeoutMs }),
    filename: compiledWorkerFile('piscina-worker'),
    minThreads: bounds.min,
    maxThreads: bounds.max,
    concurrentTasksPerWorker: split.tasksPerWorker,
    workerData: workerDataFor(plan),
    // A variant's setting (atomics: 'disabled'); the default row passes none, so piscina keeps its own defaults.
    ...variant?.options,
  };
  const pool = new Piscina<unknown, number>(options);
  return {
    applied: {
      concurrency: pool.options.maxThreads * pool.options.concurrentTasksPerWorker,
      ...appliedThreads(bounds.idleTimeoutMs !== null, pool.threads.length, pool.options.minThreads, pool.options.maxThreads),
      tasksPerWorker: pool.options.concurrentTasksPerWorker,
      options: {
        ...options, filename: 'piscina-worker.js', maxQueue: pool.options.maxQueue, idleTimeout: pool.options.idleTimeout, atomics: pool.options.atomics,
      },
    },
    submit(id, done, input, transferList) {
      (transferList ? pool.run(input, { transferList }) : pool.run(input ?? id)).then(
        (result) => done(id, null, result),
        (error: unknown) => done(id, error),
      );
    },
    liveThreads: () => pool.threads.length,
    async teardown() {
      await pool.destroy();
    },
  };
}
