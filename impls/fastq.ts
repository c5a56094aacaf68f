import fastq from 'fastq';
import { createTask } from '../scenarios/workloads/task.js';
import { inThreadCanRun, taskSpecFor } from './mapping.js';
import type { PoolAdapter } from './types.js';

export const fastqAdapter: PoolAdapter = {
  name: 'fastq',
  packageName: 'fastq',
  kind: 'in-thread',
  summary: 'callback queue with object reuse; its primary callback API, q.push(id, done)',
  canRun: inThreadCanRun,
  async setup(plan) {
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
  },
};
