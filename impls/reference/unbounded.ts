// Reference row: no pool at all. Every submitted task starts at once, whatever the scenario's concurrency,
// so its memory shows what a pool's bound is for.
import { createTask } from '../../scenarios/workloads/task.js';
import { inThreadCanRun, taskSpecFor } from '../mapping.js';
import type { PoolAdapter } from '../types.js';

export const unboundedReference: PoolAdapter = {
  name: 'unbounded',
  kind: 'reference',
  summary: 'no pool: every submitted task starts at once, ignoring concurrency',
  canRun: inThreadCanRun,
  async setup(plan) {
    const task = createTask(taskSpecFor(plan));
    return {
      applied: { concurrency: 'unbounded', threads: 0, options: {} },
      submit(id, done) {
        task(id).then((result) => done(id, null, result), (error: unknown) => done(id, error));
      },
      async teardown() {},
    };
  },
};
