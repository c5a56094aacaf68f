// The physical limit of a scenario: the wall time a perfect pool with zero overhead would need.
import { Bench } from 'tinybench';
import type { Scenario } from '../scenarios/schema.js';
import { spin } from '../scenarios/workloads/task.js';
import type { Ideal } from './results.js';

/** Sleep: ceil(tasks / concurrency) waves of `ms`. Known exactly, no measurement needed. */
export function sleepIdeal(scenario: Scenario): Ideal | null {
  if (scenario.workload.kind !== 'sleep') return null;
  const waves = Math.ceil(scenario.tasks / scenario.concurrency);
  return { ms: waves * scenario.workload.ms, basis: `ceil(${scenario.tasks} / ${scenario.concurrency}) × ${scenario.workload.ms} ms` };
}

/**
 * CPU: tasks × (one task's time on one core) / usable threads. One task's time is measured here with tinybench,
 * which warms the loop up and samples it until its statistics settle; we take the median latency.
 */
export async function cpuIdeal(scenario: Scenario, threads: number): Promise<Ideal | null> {
  if (scenario.workload.kind !== 'cpu') return null;
  const { iterations } = scenario.workload;
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
  const perTaskMs = result.latency.p50;
  const lanes = Math.min(threads, scenario.concurrency);
  return {
    ms: (scenario.tasks * perTaskMs) / lanes,
    basis: `${scenario.tasks} × ${perTaskMs.toFixed(3)} ms (tinybench p50 of one task, ${result.latency.samplesCount} samples) / ${lanes} threads`,
  };
}

export async function idealFor(scenario: Scenario, threads: number): Promise<Ideal | null> {
  return sleepIdeal(scenario) ?? (await cpuIdeal(scenario, threads));
}
