// p-limit: a promise concurrency limiter, limit(fn) per task.
import pLimit from 'p-limit';
import { createTask } from '../scenarios/workloads/task.js';
import { taskSpecFor } from './mapping.js';
import type { AdapterSession, RunPlan } from './types.js';

export async function setup(plan: RunPlan): Promise<AdapterSession> {
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
}
