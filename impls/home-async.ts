// The home pool's async engine, translated like every in-thread limiter: concurrency = the scenario's.
import { createTask } from '../scenarios/workloads/task.js';
import { AsyncPool } from '@poolbench/home';
import { taskSpecFor } from './mapping.js';
import type { AdapterSession, Done, RunPlan } from './types.js';

export async function setup(plan: RunPlan): Promise<AdapterSession> {
  const retries = plan.scenario.retries ?? 0;
  const options = { concurrency: plan.scenario.concurrency, ...(retries > 0 ? { retry: retries } : {}) };
  const pool = new AsyncPool<number, number>(options);
  const task = createTask(taskSpecFor(plan));
  let done: Done | undefined;
  // The pool hands each task's argument (its id) back to the callback, so one function serves every task.
  const callback = (error: unknown, result: number | undefined, id: number): void => done!(id, error ?? null, result);
  return {
    applied: { concurrency: pool.concurrency, threads: 0, options, retries },
    submit(id, producerDone) {
      done = producerDone;
      pool.run(task, id, callback);
    },
    async teardown() {
      await pool.destroy();
    },
  };
}
