// cpu: every task spins a deterministic integer loop. CPU-bound, so only threads run it in parallel.
import type { Calibrate, Calibration, WorkloadKind } from './kind.js';
import { burn, encodeResult, spin, startRecorder, taskEnded, taskStarted } from './runtime.js';

export interface CpuWorkload {
  kind: 'cpu';
  iterations: number;
}

/** Spins one task's loop; returns its encoded result. Shared with the mixed workload's CPU tasks. */
export function spinTask(id: number, iterations: number): number {
  const startedWith = taskStarted();
  burn(iterations, id + 1);
  taskEnded();
  return encodeResult(id, startedWith);
}

/** One task's time on one core, measured by the harness's calibrator. */
export function calibrateSpin(iterations: number, calibrate: Calibrate): Promise<Calibration> {
  let seed = 1;
  return calibrate(() => {
    seed = spin(iterations, seed) || 1;
  });
}

export const cpu: WorkloadKind<CpuWorkload> = {
  kind: 'cpu',
  fields: { iterations: { type: 'integer', min: 1 } },
  createTask(workload, probe) {
    const recordStart = startRecorder(probe);
    const iterations = workload.iterations;
    return async (input) => {
      const id = input as number;
      recordStart(id);
      return spinTask(id, iterations);
    };
  },
  /** tasks × (one task's time on one core) / usable threads. */
  async calibratedIdeal(workload, shape, calibrate) {
    const { perTaskMs, samples, method } = await calibrateSpin(workload.iterations, calibrate);
    const lanes = Math.min(shape.threads, shape.concurrency);
    return {
      ms: (shape.tasks * perTaskMs) / lanes,
      basis: `${shape.tasks} × ${perTaskMs.toFixed(3)} ms (${method} of one task, ${samples} samples) / ${lanes} threads`,
    };
  },
  needsThreads: "runs every task on the main thread, so CPU-bound work cannot use the scenario's threads",
};
