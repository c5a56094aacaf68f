import { FixedThreadPool } from 'poolifier';
import type { TaskInput } from '../scenarios/workloads/task.js';
import { compiledWorkerFile, payloadMessage, payloadOf, requireSplit, threadSplitCanRun, workerDataFor } from './mapping.js';
import type { PoolAdapter } from './types.js';

export const poolifierAdapter: PoolAdapter = {
  name: 'poolifier',
  packageName: 'poolifier',
  kind: 'worker-threads',
  summary: 'fixed worker-thread pool with per-worker task queues; threads × tasksQueueOptions.concurrency',
  canRun: threadSplitCanRun,
  async setup(plan) {
    const split = requireSplit(plan);
    const payload = payloadOf(plan);
    // Without its tasks queue poolifier posts every task to a worker at once, so only the queue's concurrency
    // expresses "at most N tasks per worker".
    const options = {
      enableTasksQueue: true,
      tasksQueueOptions: { concurrency: split.tasksPerWorker },
      workerOptions: { workerData: workerDataFor(plan) },
    };
    const pool = new FixedThreadPool<TaskInput, number>(split.threads, compiledWorkerFile('poolifier-worker'), options);
    await new Promise<void>((resolve) => {
      if (pool.info.ready) resolve();
      else pool.emitter?.once('ready', () => resolve());
    });
    // poolifier keeps its resolved options private; the pool's own info gives the sizes it really started.
    const info = pool.info;
    return {
      applied: {
        concurrency: info.maxSize * split.tasksPerWorker,
        threads: info.workerNodes,
        tasksPerWorker: split.tasksPerWorker,
        options: { ...options, minSize: info.minSize, maxSize: info.maxSize },
      },
      submit: payload
        ? (id, done) => {
            const { message, transferList } = payloadMessage(id, payload);
            pool.execute(message, undefined, undefined, transferList).then((result) => done(id, null, result), (error: unknown) => done(id, error));
          }
        : (id, done) => {
            pool.execute(id).then((result) => done(id, null, result), (error: unknown) => done(id, error));
          },
      async teardown() {
        await pool.destroy();
      },
    };
  },
};
