// Reference row: hand-written worker_threads. Ids go out with postMessage, round-robin over workers that still
// have room (threads × tasks per worker), results come back the same way. The floor for thread pools.
import { Worker } from 'node:worker_threads';
import { decodeResult } from '../../scenarios/workloads/task.js';
import { compiledWorkerFile, fixedThreadsCanRun, payloadMessage, payloadOf, requireSplit, workerDataFor } from '../mapping.js';
import type { Done, PoolAdapter } from '../types.js';

type Reply = number | { id: number; error: string };

export const rawWorkersReference: PoolAdapter = {
  name: 'raw-workers',
  kind: 'reference',
  summary: 'hand-written worker_threads + postMessage, round-robin, several tasks per worker',
  canRun: fixedThreadsCanRun,
  async setup(plan) {
    const split = requireSplit(plan);
    const { threads, tasksPerWorker } = split;
    const payload = payloadOf(plan);
    const file = compiledWorkerFile('raw-worker');
    const workers = Array.from({ length: threads }, () => new Worker(file, { workerData: workerDataFor(plan) }));
    const inFlight = new Array<number>(threads).fill(0);
    const waiting = new Map<number, Done>();
    let queuedIds: number[] = [];
    let queuedDones: Done[] = [];
    let head = 0;
    let next = 0;

    const dispatch = (id: number, done: Done): boolean => {
      for (let tried = 0; tried < threads; tried++) {
        const w = next;
        next = (next + 1) % threads;
        if (inFlight[w]! < tasksPerWorker) {
          inFlight[w]!++;
          waiting.set(id, done);
          if (payload) {
            const { message, transferList } = payloadMessage(id, payload);
            workers[w]!.postMessage(message, transferList);
          } else {
            workers[w]!.postMessage(id);
          }
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
          dispatch(queuedIds[head]!, queuedDones[head]!);
          head++;
          if (head === queuedIds.length) (queuedIds = []), (queuedDones = []), (head = 0);
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
      submit(id, done) {
        if (!dispatch(id, done)) queuedIds.push(id), queuedDones.push(done);
      },
      async teardown() {
        await Promise.all(workers.map((worker) => worker.terminate()));
      },
    };
  },
};
