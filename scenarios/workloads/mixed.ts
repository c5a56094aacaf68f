// mixed: every `cpuEvery`-th task spins `iterations`; the rest sleep `ms`.
import { calibrateSpin, spinTask } from './cpu.js';
import type { WorkloadKind } from './kind.js';
import { encodeResult, finishSleep, startRecorder, taskStarted } from './runtime.js';

export interface MixedWorkload {
  kind: 'mixed';
  ms: number;
  iterations: number;
  cpuEvery: number;
}

export const mixed: WorkloadKind<MixedWorkload> = {
  kind: 'mixed',
  fields: {
    ms: { type: 'positive-number' },
    iterations: { type: 'integer', min: 1 },
    cpuEvery: { type: 'integer', min: 1 },
  },
  createTask(workload, probe) {
    const recordStart = startRecorder(probe);
    const { ms, iterations, cpuEvery } = workload;
    return (input) => {
      const id = input as number;
      recordStart(id);
      if (id % cpuEvery === cpuEvery - 1) return Promise.resolve(spinTask(id, iterations));
      const value = encodeResult(id, taskStarted());
      return new Promise<number>((resolve) => setTimeout(finishSleep, ms, resolve, value));
    };
  },
  /**
   * The later of two bounds, the sleeping tasks' waves and the CPU tasks spread over the threads. Both share the
   * concurrency slots, so the true limit can only be higher; in-thread pools have one thread for the CPU part and
   * sit further from this bound, which is the point of the scenario.
   */
  async calibratedIdeal(workload, shape, calibrate) {
    const { tasks, concurrency } = shape;
    const cpuTasks = Math.floor(tasks / workload.cpuEvery);
    const sleepTasks = tasks - cpuTasks;
    const { perTaskMs, samples, method } = await calibrateSpin(workload.iterations, calibrate);
    const lanes = Math.min(shape.threads, concurrency);
    const sleepMs = Math.ceil(sleepTasks / concurrency) * workload.ms;
    const cpuMs = (cpuTasks * perTaskMs) / lanes;
    return {
      ms: Math.max(sleepMs, cpuMs),
      basis:
        `max(ceil(${sleepTasks} / ${concurrency}) × ${workload.ms} ms, ` +
        `${cpuTasks} × ${perTaskMs.toFixed(3)} ms (${method}, ${samples} samples) / ${lanes} threads)`,
    };
  },
  periods: (workload) => [workload.cpuEvery],
};
