import workerpool from 'workerpool';
import { compiledWorkerFile, payloadMessage, payloadOf, workerDataFor } from './mapping.js';
import type { PoolAdapter } from './types.js';

export const workerpoolAdapter: PoolAdapter = {
  name: 'workerpool',
  packageName: 'workerpool',
  kind: 'worker-threads',
  summary: 'worker-thread pool running one task per worker at a time; pool.exec(method, args)',
  canRun(plan) {
    const { concurrency } = plan.scenario;
    if (plan.scenario.dynamicThreads) {
      return { reason: 'never retires an idle worker (only crashed ones are removed), so it cannot shrink to dynamicThreads.min' };
    }
    if (concurrency !== plan.threads) {
      return {
        reason: `runs one task per worker: ${concurrency} concurrent tasks would need ${concurrency} threads, the scenario gives ${plan.threads}`,
      };
    }
    return true;
  },
  async setup(plan) {
    const payload = payloadOf(plan);
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
      submit: payload
        ? (id, done) => {
            const { message, transferList } = payloadMessage(id, payload);
            pool.exec('task', [message], transferList ? { transfer: transferList } : {}).then((result: number) => done(id, null, result), (error: unknown) => done(id, error));
          }
        : (id, done) => {
            pool.exec('task', [id]).then((result: number) => done(id, null, result), (error: unknown) => done(id, error));
          },
      async teardown() {
        await pool.terminate(true);
      },
    };
  },
};
