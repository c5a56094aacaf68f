// sleep: every task waits `ms` on a timer. The baseline workload: a pool's own overhead is all that varies.
import type { IdealEstimate, RunShape, WorkloadKind } from './kind.js';
import { encodeResult, finishSleep, startRecorder, taskStarted } from './runtime.js';

export interface SleepWorkload {
  kind: 'sleep';
  ms: number;
}

/**
 * ceil(tasks / concurrency) waves of `ms`. With a bursts producer the last burst cannot start before its release
 * time, so the ideal is the later of the two bounds. `note` is appended to the basis.
 */
export function sleepWaves(shape: RunShape, ms: number, note = ''): IdealEstimate {
  const { tasks, concurrency, bursts } = shape;
  const waves = Math.ceil(tasks / concurrency);
  const steady: IdealEstimate = { ms: waves * ms, basis: `ceil(${tasks} / ${concurrency}) × ${ms} ms${note}` };
  if (!bursts) return steady;
  const count = Math.ceil(tasks / bursts.size);
  const lastSize = tasks - (count - 1) * bursts.size;
  const lastWaves = Math.ceil(lastSize / concurrency);
  const released = (count - 1) * bursts.everyMs + lastWaves * ms;
  if (released <= steady.ms) return steady;
  return {
    ms: released,
    basis: `last of ${count} bursts released at ${(count - 1) * bursts.everyMs} ms, then ceil(${lastSize} / ${concurrency}) × ${ms} ms${note}`,
  };
}

export const sleep: WorkloadKind<SleepWorkload> = {
  kind: 'sleep',
  fields: { ms: { type: 'positive-number' } },
  createTask(workload, probe) {
    const recordStart = startRecorder(probe);
    const ms = workload.ms;
    // Written for the least per-task garbage (every implementation pays it equally): a module-level timer
    // callback with arguments instead of a closure per task, and a minimal executor.
    return (input) => {
      const id = input as number;
      recordStart(id);
      const value = encodeResult(id, taskStarted());
      let resolve!: (value: number) => void;
      const promise = new Promise<number>((r) => {
        resolve = r;
      });
      setTimeout(finishSleep, ms, resolve, value);
      return promise;
    };
  },
  // Known exactly: no measurement needed.
  exactIdeal: (workload, shape) => sleepWaves(shape, workload.ms),
};
