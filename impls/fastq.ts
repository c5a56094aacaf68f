// fastq: callback queue with object reuse. The default row drives its primary callback API; the api=promise variant
// drives fastq.promise(), the API most users call, so they see the speed they would get with it.
import fastq from 'fastq';
import { createTask } from '../scenarios/workloads/task.js';
import { taskSpecFor } from './mapping.js';
import type { AdapterSession, RunPlan, Variant } from './types.js';

export async function setup(plan: RunPlan, variant?: Variant): Promise<AdapterSession> {
  const task = createTask(taskSpecFor(plan));
  const concurrency = plan.scenario.concurrency;
  if (variant?.options.api === 'promise') {
    const queue = fastq.promise<unknown, number, number>((id) => task(id), concurrency);
    return {
      applied: { concurrency: queue.concurrency, threads: 0, options: { concurrency, api: 'promise' } },
      submit(id, done) {
        queue.push(id).then((result) => done(id, null, result), (error: unknown) => done(id, error));
      },
      async teardown() {
        queue.kill();
      },
    };
  }
  const queue = fastq<unknown, number, number>((id, callback) => {
    task(id).then((result) => callback(null, result), callback);
  }, concurrency);
  return {
    applied: { concurrency: queue.concurrency, threads: 0, options: { concurrency } },
    submit(id, done) {
      queue.push(id, (error, result) => done(id, error, result));
    },
    async teardown() {
      queue.kill();
    },
  };
}
