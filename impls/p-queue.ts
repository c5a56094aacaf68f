import PQueue from 'p-queue';
import { createTask } from '../scenarios/workloads/task.js';
import { inThreadCanRun, taskSpecFor } from './mapping.js';
import type { PoolAdapter } from './types.js';

export const pQueueAdapter: PoolAdapter = {
  name: 'p-queue',
  packageName: 'p-queue',
  kind: 'in-thread',
  summary: 'promise queue with concurrency, priority, timeouts and events; queue.add(fn) per task',
  canRun: inThreadCanRun,
  async setup(plan) {
    const options = { concurrency: plan.scenario.concurrency };
    const queue = new PQueue(options);
    const task = createTask(taskSpecFor(plan));
    return {
      applied: { concurrency: queue.concurrency, threads: 0, options },
      submit(id, done) {
        queue.add(() => task(id)).then((result) => done(id, null, result as number), (error: unknown) => done(id, error));
      },
      async teardown() {
        queue.clear();
        await queue.onIdle();
      },
    };
  },
};
