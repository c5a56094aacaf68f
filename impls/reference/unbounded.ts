// Reference row: no pool at all. Every submitted task starts at once, whatever the scenario's concurrency,
// so its memory shows what a pool's bound is for.
import { createTask } from '../../scenarios/workloads/task.js';
import { taskSpecFor } from '../mapping.js';
import type { AdapterSession, RunPlan } from '../types.js';

export async function setup(plan: RunPlan): Promise<AdapterSession> {
  const task = createTask(taskSpecFor(plan));
  return {
    applied: { concurrency: 'unbounded', threads: 0, options: {} },
    submit(id, done) {
      task(id).then((result) => done(id, null, result), (error: unknown) => done(id, error));
    },
    async teardown() {},
  };
}
