// The home pool's thread engine, translated like piscina and tinypool: threads × tasks per worker = concurrency.
import { ThreadPool } from './home/index.js';
import { compiledWorkerFile, requireSplit, threadSplitCanRun, workerDataFor } from './mapping.js';
import type { Done, PoolAdapter } from './types.js';

export const homeThreadsAdapter: PoolAdapter = {
  name: 'home-threads',
  kind: 'worker-threads',
  summary: "the home pool's thread engine: batched postMessage both ways; threads × concurrentTasksPerWorker",
  canRun: threadSplitCanRun,
  async setup(plan) {
    const split = requireSplit(plan);
    const options = {
      filename: compiledWorkerFile('home-worker'),
      minThreads: split.threads,
      maxThreads: split.threads,
      concurrentTasksPerWorker: split.tasksPerWorker,
      workerData: workerDataFor(plan),
    };
    const pool = new ThreadPool<number, number>(options);
    let done: Done | undefined;
    const callback = (error: unknown, result: number | undefined, id: number): void => done!(id, error ?? null, result);
    const limits = pool.limits;
    return {
      applied: {
        concurrency: limits.maxThreads * limits.concurrentTasksPerWorker,
        threads: pool.threads,
        tasksPerWorker: limits.concurrentTasksPerWorker,
        options: { ...options, filename: 'home-worker.js' },
      },
      submit(id, producerDone) {
        done = producerDone;
        pool.run(id, callback);
      },
      async teardown() {
        await pool.destroy();
      },
    };
  },
};
