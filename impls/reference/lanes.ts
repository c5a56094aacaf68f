// Reference row: the floor for any in-thread pool at concurrency C. C async loops ("lanes"), each taking the next
// submitted id and awaiting its task, then the next: no per-task queue entry, closure or limiter bookkeeping beyond
// an array of ids. A pool's distance from this row ("× floor") is what the pool itself costs.
import { createTask } from '../../scenarios/workloads/task.js';
import { taskSpecFor } from '../mapping.js';
import type { AdapterSession, Done, RunPlan } from '../types.js';

/** Submitted ids not yet taken; the consumed front is dropped once it outweighs the rest, so memory stays bounded. */
const COMPACT_AT = 65_536;

export async function setup(plan: RunPlan): Promise<AdapterSession> {
  const task = createTask(taskSpecFor(plan));
  const lanes = plan.scenario.concurrency;
  let ids: number[] = [];
  let head = 0;
  let done: Done = () => {};
  let started = 0;
  // Lanes with nothing to take wait here; a submit wakes one.
  const parked: Array<() => void> = [];

  const lane = async (): Promise<void> => {
    for (;;) {
      while (head < ids.length) {
        const id = ids[head++]!;
        if (head >= COMPACT_AT && head * 2 >= ids.length) (ids = ids.slice(head)), (head = 0);
        try {
          const result = await task(id);
          done(id, null, result);
        } catch (error) {
          done(id, error);
        }
      }
      await new Promise<void>((wake) => parked.push(wake));
    }
  };

  return {
    applied: { concurrency: lanes, threads: 0, options: { lanes } },
    submit(id, producerDone) {
      done = producerDone;
      ids.push(id);
      if (parked.length > 0) parked.pop()!();
      else if (started < lanes) {
        started++;
        void lane();
      }
    },
    async teardown() {
      // Parked lanes hold no timer or handle: once nothing references them they are collected.
      parked.length = 0;
    },
  };
}
