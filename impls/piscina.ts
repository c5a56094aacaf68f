import { Piscina } from 'piscina';
import { appliedThreads, compiledWorkerFile, payloadMessage, payloadOf, requireSplit, threadBounds, threadSplitCanRun, workerDataFor } from './mapping.js';
import type { PoolAdapter } from './types.js';

export const piscinaAdapter: PoolAdapter = {
  name: 'piscina',
  packageName: 'piscina',
  kind: 'worker-threads',
  summary: 'worker-thread pool; threads × concurrentTasksPerWorker',
  canRun: threadSplitCanRun,
  async setup(plan) {
    const split = requireSplit(plan);
    const payload = payloadOf(plan);
    const bounds = threadBounds(plan);
    const options = {
      ...(bounds.idleTimeoutMs === null ? {} : { idleTimeout: bounds.idleTimeoutMs }),
      filename: compiledWorkerFile('piscina-worker'),
      minThreads: bounds.min,
      maxThreads: bounds.max,
      concurrentTasksPerWorker: split.tasksPerWorker,
      workerData: workerDataFor(plan),
    };
    const pool = new Piscina<unknown, number>(options);
    return {
      applied: {
        concurrency: pool.options.maxThreads * pool.options.concurrentTasksPerWorker,
        ...appliedThreads(bounds.idleTimeoutMs !== null, pool.threads.length, pool.options.minThreads, pool.options.maxThreads),
        tasksPerWorker: pool.options.concurrentTasksPerWorker,
        options: { ...options, filename: 'piscina-worker.js', maxQueue: pool.options.maxQueue, idleTimeout: pool.options.idleTimeout },
      },
      submit: payload
        ? (id, done) => {
            const { message, transferList } = payloadMessage(id, payload);
            pool.run(message, transferList ? { transferList } : {}).then((result) => done(id, null, result), (error: unknown) => done(id, error));
          }
        : (id, done) => {
            pool.run(id).then((result) => done(id, null, result), (error: unknown) => done(id, error));
          },
      liveThreads: () => pool.threads.length,
      async teardown() {
        await pool.destroy();
      },
    };
  },
};
