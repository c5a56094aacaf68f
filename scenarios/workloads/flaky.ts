// flaky: sleeps `ms`; one task in every `failEvery` fails its first `failAttempts` attempts, then succeeds.
import type { WorkloadKind } from './kind.js';
import { encodeResult, failSleep, finishSleep, startRecorder, taskStarted } from './runtime.js';
import { sleepWaves } from './sleep.js';

export interface FlakyWorkload {
  kind: 'flaky';
  ms: number;
  failEvery: number;
  failAttempts: number;
}

/** The error a flaky task throws on a failing attempt. */
export class InjectedTaskError extends Error {
  constructor(id: number, attempt: number) {
    super(`task ${id} failed on purpose (attempt ${attempt})`);
    this.name = 'InjectedTaskError';
  }
}

/** Whether the flaky workload's attempt number `attempt` (1-based) of task `id` fails. */
export function flakyAttemptFails(workload: { failEvery: number; failAttempts: number }, id: number, attempt: number): boolean {
  return id % workload.failEvery === workload.failEvery - 1 && attempt <= workload.failAttempts;
}

export const flaky: WorkloadKind<FlakyWorkload> = {
  kind: 'flaky',
  fields: {
    ms: { type: 'positive-number' },
    failEvery: { type: 'integer', min: 1 },
    failAttempts: { type: 'integer', min: 1 },
  },
  createTask(workload, probe) {
    if (!probe) throw new TypeError('the flaky workload needs a task probe: it counts attempts per task id');
    const recordStart = startRecorder(probe);
    const attempts = new Int32Array(probe.attempts);
    const { ms } = workload;
    return (input) => {
      const id = input as number;
      recordStart(id);
      // Atomic: a retried task may run its next attempt on another thread.
      const attempt = Atomics.add(attempts, id, 1) + 1;
      const value = encodeResult(id, taskStarted());
      return new Promise<number>((resolve, reject) => {
        if (flakyAttemptFails(workload, id, attempt)) setTimeout(failSleep, ms, reject, new InjectedTaskError(id, attempt));
        else setTimeout(finishSleep, ms, resolve, value);
      });
    };
  },
  // First attempts only: the one bound every implementation, retrying or not, must respect.
  exactIdeal: (workload, shape) => sleepWaves(shape, workload.ms, ', first attempts only'),
  periods: (workload) => [workload.failEvery],
  countsAttempts: true,
};
