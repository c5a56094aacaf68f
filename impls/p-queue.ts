// p-queue: a promise queue with concurrency, queue.add(fn) per task.
import PQueue from 'p-queue';
import { createTask } from '../scenarios/workloads/task.js';
import { taskSpecFor } from './mapping.js';
import type { AdapterSession, RunPlan } from './types.js';

export async function setup(plan: RunPlan): Promise<AdapterSession> {
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
}
