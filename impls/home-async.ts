// The home pool's async engine, translated like every in-thread limiter: concurrency = the scenario's. The default row
// drives its callback API, pool.run(); the api=submit variant drives pool.submit() promises, the API most users call,
// so they see the speed they would get with it.
import { createTask } from '../scenarios/workloads/task.js';
import { AsyncPool } from '@poolbench/home';
import { taskSpecFor } from './mapping.js';
import type { AdapterSession, Done, RunPlan, Variant } from './types.js';

export async function setup(plan: RunPlan, variant?: Variant): Promise<AdapterSession> {
  const retries = plan.scenario.retries ?? 0;
  const options = { concurrency: plan.scenario.concurrency, ...(retries > 0 ? { retry: retries } : {}) };
  const pool = new AsyncPool<number, number>(options);
  const task = createTask(taskSpecFor(plan));
  const teardown = async (): Promise<void> => {
    await pool.destroy();
  };
  if (variant?.options.api === 'submit') {
    return {
      applied: { concurrency: pool.concurrency, threads: 0, options: { ...options, api: 'submit' }, retries },
      submit(id, done) {
        pool.submit(task, id).then((result) => done(id, null, result), (error: unknown) => done(id, error));
      },
      teardown,
    };
  }
  let done: Done | undefined;
  // The pool hands each task's argument (its id) back to the callback, so one function serves every task.
  const callback = (error: unknown, result: number | undefined, id: number): void => done!(id, error ?? null, result);
  return {
    applied: { concurrency: pool.concurrency, threads: 0, options, retries },
    submit(id, producerDone) {
      done = producerDone;
      pool.run(task, id, callback);
    },
    teardown,
  };
}
