// workerpool: a worker-thread pool running one task per worker at a time; pool.exec(method, args).
import workerpool from 'workerpool';
import { compiledWorkerFile, workerDataFor } from './mapping.js';
import type { AdapterSession, RunPlan } from './types.js';

export async function setup(plan: RunPlan): Promise<AdapterSession> {
  const options = {
    minWorkers: plan.threads,
    maxWorkers: plan.threads,
    workerType: 'thread' as const,
    workerThreadOpts: { workerData: workerDataFor(plan) },
  };
  const pool = workerpool.pool(compiledWorkerFile('workerpool-worker'), options);
  return {
    applied: {
      concurrency: pool.maxWorkers ?? 0,
      threads: pool.stats().totalWorkers,
      tasksPerWorker: 1,
      options: { ...options, maxQueueSize: pool.maxQueueSize },
    },
    submit(id, done, input, transferList) {
      (transferList ? pool.exec('task', [input], { transfer: transferList }) : pool.exec('task', [input ?? id])).then(
        (result: number) => done(id, null, result),
        (error: unknown) => done(id, error),
      );
    },
    async teardown() {
      await pool.terminate(true);
    },
  };
}
