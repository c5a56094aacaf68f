// The session of a p-limit-shaped limiter for the home pool's drop-in row: the same calls impls/p-limit.ts makes
// (limit(task, id) per task, clearQueue() at teardown), so the two rows differ only in which pLimit they are given.
// impls/p-limit.ts keeps its own copy on purpose: it is the README's complete example of an adapter, and each
// measured child loads only its own library.
import { createTask } from '../../scenarios/workloads/task.js';
import { taskSpecFor } from '../mapping.js';
import type { AdapterSession, RunPlan } from '../types.js';

/** What the session uses of p-limit's API. */
export interface LimitLike {
  (task: (id: number) => Promise<number>, id: number): Promise<number>;
  readonly concurrency: number;
  clearQueue(): void;
}

export function limitSession(plan: RunPlan, pLimit: (options: { concurrency: number }) => LimitLike): AdapterSession {
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
