import pLimit from 'p-limit';
import { createTask } from '../scenarios/workloads/task.js';
import { inThreadCanRun, taskSpecFor } from './mapping.js';
import type { PoolAdapter } from './types.js';

export const pLimitAdapter: PoolAdapter = {
  name: 'p-limit',
  packageName: 'p-limit',
  kind: 'in-thread',
  summary: 'promise concurrency limiter: limit(fn) per task, unbounded FIFO queue',
  canRun: inThreadCanRun,
  async setup(plan) {
    const options = { concurrency: plan.scenario.concurrency };
    const limit = pLimit(options);
    const task = createTask(taskSpecFor(plan));
    return {
      applied: { concurrency: limit.concurrency, threads: 0, options },
      submit(id, done) {
        limit(task, id).then((result) => done(id, null, result), (error: unknown) => done(id, error));
      },
      async teardown() {
        limit.clearQueue();
      },
    };
  },
};
