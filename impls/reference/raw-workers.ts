// Reference row: hand-written worker_threads. Ids (or the workload's messages) go out with postMessage, round-robin
// over workers that still have room (threads × tasks per worker), results come back the same way. The floor for
// thread pools.
import { Worker } from 'node:worker_threads';
import { decodeResult, type TaskInput } from '../../scenarios/workloads/task.js';
import { compiledWorkerFile, requireSplit, workerDataFor } from '../mapping.js';
import type { AdapterSession, Done, RunPlan } from '../types.js';

type Reply = number | { id: number; error: string };

export async function setup(plan: RunPlan): Promise<AdapterSession> {
  const split = requireSplit(plan);
  const { threads, tasksPerWorker } = split;
  const file = compiledWorkerFile('raw-worker');
  const workers = Array.from({ length: threads }, () => new Worker(file, { workerData: workerDataFor(plan) }));
  const inFlight = new Array<number>(threads).fill(0);
  const waiting = new Map<number, Done>();
  // The FIFO of tasks waiting for room, as parallel arrays with a moving head (inputs stay undefined for plain ids).
  let queuedIds: number[] = [];
  let queuedDones: Done[] = [];
  let queuedInputs: (TaskInput | undefined)[] = [];
  let queuedTransfers: (ArrayBuffer[] | undefined)[] = [];
  let head = 0;
  let next = 0;

  const dispatch = (id: number, done: Done, input: TaskInput | undefined, transferList: ArrayBuffer[] | undefined): boolean => {
    for (let tried = 0; tried < threads; tried++) {
      const w = next;
      next = (next + 1) % threads;
      if (inFlight[w]! < tasksPerWorker) {
        inFlight[w]!++;
        waiting.set(id, done);
        workers[w]!.postMessage(input ?? id, transferList);
        return true;
      }
    }
    return false;
  };
  workers.forEach((worker, w) => {
    worker.on('message', (reply: Reply) => {
      inFlight[w]!--;
      const id = typeof reply === 'number' ? decodeResult(reply).id : reply.id;
      const done = waiting.get(id);
      waiting.delete(id);
      if (head < queuedIds.length) {
        dispatch(queuedIds[head]!, queuedDones[head]!, queuedInputs[head], queuedTransfers[head]);
        head++;
        if (head === queuedIds.length) (queuedIds = []), (queuedDones = []), (queuedInputs = []), (queuedTransfers = []), (head = 0);
      }
      if (typeof reply === 'number') done?.(id, null, reply);
      else done?.(id, new Error(reply.error));
    });
  });
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('online', resolve))));
  return {
    applied: {
      concurrency: threads * tasksPerWorker,
      threads: workers.length,
      tasksPerWorker,
      options: { threads, tasksPerWorker },
    },
    submit(id, done, input, transferList) {
      if (!dispatch(id, done, input, transferList)) {
        queuedIds.push(id), queuedDones.push(done), queuedInputs.push(input), queuedTransfers.push(transferList);
      }
    },
    async teardown() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
