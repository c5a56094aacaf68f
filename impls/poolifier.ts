// poolifier: a worker-thread pool with per-worker task queues; threads × tasksQueueOptions.concurrency.
import { DynamicThreadPool, FixedThreadPool, type WorkerChoiceStrategy } from 'poolifier';
import type { TaskInput } from '../scenarios/workloads/task.js';
import { appliedThreads, compiledWorkerFile, requireSplit, threadBounds, workerDataFor } from './mapping.js';
import type { AdapterSession, RunPlan, Variant } from './types.js';

export async function setup(plan: RunPlan, variant?: Variant): Promise<AdapterSession> {
  const split = requireSplit(plan);
  const bounds = threadBounds(plan);
  // Without its tasks queue poolifier posts every task to a worker at once, so only the queue's concurrency
  // expresses "at most N tasks per worker".
  const options = {
    enableTasksQueue: true,
    tasksQueueOptions: { concurrency: split.tasksPerWorker },
    // A dynamic pool's idle limit is set in the worker (maxInactiveTime); the worker reads it from workerData.
    workerOptions: { workerData: { ...workerDataFor(plan), ...(bounds.idleTimeoutMs === null ? {} : { maxInactiveTime: bounds.idleTimeoutMs }) } },
    // A variant's setting (another workerChoiceStrategy); the default row passes none.
    ...(variant?.options as { workerChoiceStrategy?: WorkerChoiceStrategy } | undefined),
  };
  const file = compiledWorkerFile('poolifier-worker');
  const pool =
    bounds.idleTimeoutMs === null
      ? new FixedThreadPool<TaskInput, number>(split.threads, file, options)
      : new DynamicThreadPool<TaskInput, number>(bounds.min, bounds.max, file, options);
  await new Promise<void>((resolve) => {
    if (pool.info.ready) resolve();
    else pool.emitter?.once('ready', () => resolve());
  });
  // poolifier keeps its resolved options private; the pool's own info gives the sizes it really started.
  const info = pool.info;
  return {
    applied: {
      concurrency: info.maxSize * split.tasksPerWorker,
      ...appliedThreads(bounds.idleTimeoutMs !== null, info.workerNodes, info.minSize, info.maxSize),
      tasksPerWorker: split.tasksPerWorker,
      // The strategy as the pool reports it, so a variant's is checked against what poolifier really uses.
      options: { ...options, minSize: info.minSize, maxSize: info.maxSize, workerChoiceStrategy: info.defaultStrategy },
    },
    submit(id, done, input, transferList) {
      (transferList ? pool.execute(input, undefined, undefined, transferList) : pool.execute(input ?? id)).then(
        (result) => done(id, null, result),
        (error: unknown) => done(id, error),
      );
    },
    liveThreads: () => pool.info.workerNodes,
    async teardown() {
      await pool.destroy();
    },
  };
}
