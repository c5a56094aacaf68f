// The physical limit of a scenario: the wall time a perfect pool with zero overhead would need. Each workload kind
// declares its own (scenarios/workloads/); CPU work is timed here, with tinybench, and handed to the kind as a
// function, so worker threads that load the workloads never load the bench library.
import { Bench } from 'tinybench';
import type { Scenario } from '../../scenarios/schema.js';
import { workloadKind } from '../../scenarios/workloads/index.js';
import type { Calibrate } from '../../scenarios/workloads/kind.js';
import { runShape } from '../../impls/mapping.js';
import { type Ideal } from '../results/schema.js';

/**
 * One task's time on one core: tinybench warms the work up and samples it until its statistics settle; we take the
 * median latency.
 */
export const calibrate: Calibrate = async (once) => {
  const bench = new Bench({ name: 'one task', time: 500, warmupTime: 100 });
  bench.add('one task', once);
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || result.state !== 'completed') {
    throw new Error(`could not calibrate the workload: ${result && 'error' in result ? String(result.error) : 'no result'}`);
  }
  return { perTaskMs: result.latency.p50, samples: result.latency.samplesCount, method: 'tinybench p50' };
};

/** The ideal known without measuring (sleep: waves of `ms`; flaky: the same for first attempts); null for other kinds. */
export function sleepIdeal(scenario: Scenario, threads = 1): Ideal | null {
  const { workload } = scenario;
  return workloadKind(workload).exactIdeal?.(workload, runShape({ scenario, threads })) ?? null;
}

/** Exact where the workload allows, calibrated on this machine where it must; null when no pool-free figure bounds it (payload). */
export async function idealFor(scenario: Scenario, threads: number): Promise<Ideal | null> {
  const { workload } = scenario;
  const kind = workloadKind(workload);
  const shape = runShape({ scenario, threads });
  if (kind.exactIdeal) return kind.exactIdeal(workload, shape);
  if (kind.calibratedIdeal) return kind.calibratedIdeal(workload, shape, calibrate);
  return null;
}
