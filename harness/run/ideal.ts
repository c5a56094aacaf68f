// The physical limit of a scenario: the wall time a perfect pool with zero overhead would need.
import { Bench } from 'tinybench';
import type { Scenario } from '../../scenarios/schema.js';
import { spin } from '../../scenarios/workloads/task.js';
import { type Ideal } from '../results/schema.js';

/**
 * Sleep: ceil(tasks / concurrency) waves of `ms`. Known exactly, no measurement needed. With a bursts producer the
 * last burst cannot start before its release time, so the ideal is the later of the two bounds. The flaky workload
 * counts first attempts only: the one bound every implementation, retrying or not, must respect.
 */
export function sleepIdeal(scenario: Scenario): Ideal | null {
  const { workload } = scenario;
  if (workload.kind !== 'sleep' && workload.kind !== 'flaky') return null;
  const waves = Math.ceil(scenario.tasks / scenario.concurrency);
  const firstOnly = workload.kind === 'flaky' ? ', first attempts only' : '';
  const steady: Ideal = { ms: waves * workload.ms, basis: `ceil(${scenario.tasks} / ${scenario.concurrency}) × ${workload.ms} ms${firstOnly}` };
  const { producer } = scenario;
  if (producer.style !== 'bursts') return steady;
  const bursts = Math.ceil(scenario.tasks / producer.size);
  const lastSize = scenario.tasks - (bursts - 1) * producer.size;
  const lastWaves = Math.ceil(lastSize / scenario.concurrency);
  const released = (bursts - 1) * producer.everyMs + lastWaves * workload.ms;
  if (released <= steady.ms) return steady;
  return {
    ms: released,
    basis: `last of ${bursts} bursts released at ${(bursts - 1) * producer.everyMs} ms, then ceil(${lastSize} / ${scenario.concurrency}) × ${workload.ms} ms${firstOnly}`,
  };
}

/**
 * CPU: tasks × (one task's time on one core) / usable threads. One task's time is measured here with tinybench,
 * which warms the loop up and samples it until its statistics settle; we take the median latency.
 */
async function calibrateCpuTask(iterations: number): Promise<{ perTaskMs: number; samples: number }> {
  let seed = 1;
  const bench = new Bench({ name: 'cpu task', time: 500, warmupTime: 100 });
  bench.add('one cpu task', () => {
    seed = spin(iterations, seed) || 1;
  });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || result.state !== 'completed') {
    throw new Error(`could not calibrate the cpu workload: ${result && 'error' in result ? String(result.error) : 'no result'}`);
  }
  return { perTaskMs: result.latency.p50, samples: result.latency.samplesCount };
}

export async function cpuIdeal(scenario: Scenario, threads: number): Promise<Ideal | null> {
  if (scenario.workload.kind !== 'cpu') return null;
  const { perTaskMs, samples } = await calibrateCpuTask(scenario.workload.iterations);
  const lanes = Math.min(threads, scenario.concurrency);
  return {
    ms: (scenario.tasks * perTaskMs) / lanes,
    basis: `${scenario.tasks} × ${perTaskMs.toFixed(3)} ms (tinybench p50 of one task, ${samples} samples) / ${lanes} threads`,
  };
}

/**
 * Mixed: the later of two bounds, the sleeping tasks' waves and the CPU tasks spread over the threads. Both
 * share the concurrency slots, so the true limit can only be higher; in-thread pools have one thread for the CPU
 * part and sit further from this bound, which is the point of the scenario.
 */
export async function mixedIdeal(scenario: Scenario, threads: number): Promise<Ideal | null> {
  const { workload } = scenario;
  if (workload.kind !== 'mixed') return null;
  const cpuTasks = Math.floor(scenario.tasks / workload.cpuEvery);
  const sleepTasks = scenario.tasks - cpuTasks;
  const { perTaskMs, samples } = await calibrateCpuTask(workload.iterations);
  const lanes = Math.min(threads, scenario.concurrency);
  const sleepMs = Math.ceil(sleepTasks / scenario.concurrency) * workload.ms;
  const cpuMs = (cpuTasks * perTaskMs) / lanes;
  return {
    ms: Math.max(sleepMs, cpuMs),
    basis:
      `max(ceil(${sleepTasks} / ${scenario.concurrency}) × ${workload.ms} ms, ` +
      `${cpuTasks} × ${perTaskMs.toFixed(3)} ms (tinybench p50, ${samples} samples) / ${lanes} threads)`,
  };
}

/** Payload has no ideal: moving the buffer is the cost being measured, and no pool-free figure bounds it. */
export async function idealFor(scenario: Scenario, threads: number): Promise<Ideal | null> {
  return sleepIdeal(scenario) ?? (await cpuIdeal(scenario, threads)) ?? (await mixedIdeal(scenario, threads));
}
