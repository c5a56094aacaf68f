// The home pool's thread engine, translated like piscina and tinypool: threads × tasks per worker = concurrency.
import { ThreadPool } from './home/index.js';
import type { PayloadMessage } from '../scenarios/workloads/task.js';
import { appliedThreads, compiledWorkerFile, payloadMessage, payloadOf, requireSplit, threadBounds, threadSplitCanRun, workerDataFor } from './mapping.js';
import type { Done, PoolAdapter } from './types.js';

export const homeThreadsAdapter: PoolAdapter = {
  name: 'home-threads',
  kind: 'worker-threads',
  summary: "the home pool's thread engine: batched postMessage both ways; threads × concurrentTasksPerWorker",
  canRun: threadSplitCanRun,
  async setup(plan) {
    const split = requireSplit(plan);
    const retries = plan.scenario.retries ?? 0;
    const payload = payloadOf(plan);
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
    const pool = new ThreadPool<number | PayloadMessage, number>(options);
    let done: Done | undefined;
    const callback = (error: unknown, result: number | undefined, id: number | PayloadMessage): void => done!(id as number, error ?? null, result);
    const payloadCallback = (error: unknown, result: number | undefined, arg: number | PayloadMessage): void =>
      done!((arg as PayloadMessage).id, error ?? null, result);
    const limits = pool.limits;
    return {
      applied: {
        concurrency: limits.maxThreads * limits.concurrentTasksPerWorker,
        ...appliedThreads(bounds.idleTimeoutMs !== null, pool.threads, limits.minThreads, limits.maxThreads),
        tasksPerWorker: limits.concurrentTasksPerWorker,
        options: { ...options, filename: 'home-worker.js' },
        retries,
      },
      submit: payload
        ? (id, producerDone) => {
            done = producerDone;
            const { message, transferList } = payloadMessage(id, payload);
            pool.run(message, payloadCallback, transferList ? { transferList } : undefined);
          }
        : (id, producerDone) => {
            done = producerDone;
            pool.run(id, callback);
          },
      liveThreads: () => pool.threads,
      async teardown() {
        await pool.destroy();
      },
    };
  },
};
