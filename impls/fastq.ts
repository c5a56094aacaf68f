// fastq: callback queue with object reuse, driven through its primary callback API.
import fastq from 'fastq';
import { createTask } from '../scenarios/workloads/task.js';
import { taskSpecFor } from './mapping.js';
import type { AdapterSession, RunPlan } from './types.js';

export async function setup(plan: RunPlan): Promise<AdapterSession> {
  const task = createTask(taskSpecFor(plan));
  const concurrency = plan.scenario.concurrency;
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
