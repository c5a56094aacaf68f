// Reference row: the smallest honest in-thread limiter, a counter plus a FIFO of waiting ids.
// Every in-thread pool should approach it; none has a reason to be far slower.
import { createTask } from '../../scenarios/workloads/task.js';
import { taskSpecFor } from '../mapping.js';
import type { AdapterSession, Done, RunPlan } from '../types.js';

export async function setup(plan: RunPlan): Promise<AdapterSession> {
  const task = createTask(taskSpecFor(plan));
  const limit = plan.scenario.concurrency;
  let active = 0;
  // FIFO as two parallel arrays with a moving head: O(1) dequeue without shift().
  let ids: number[] = [];
  let dones: Done[] = [];
  let head = 0;
  const start = (id: number, done: Done): void => {
    active++;
    task(id).then((result) => finish(id, done, null, result), (error: unknown) => finish(id, done, error));
  };
  const finish = (id: number, done: Done, error: unknown, result?: number): void => {
    active--;
    if (head < ids.length) {
      start(ids[head]!, dones[head]!);
      head++;
      if (head === ids.length) (ids = []), (dones = []), (head = 0);
    }
    done(id, error, result);
  };
  return {
    applied: { concurrency: limit, threads: 0, options: { limit } },
    submit(id, done) {
      if (active < limit) start(id, done);
      else ids.push(id), dones.push(done);
    },
    async teardown() {},
  };
}
