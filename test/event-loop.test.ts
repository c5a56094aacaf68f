// Main-thread responsiveness: event-loop delay and utilisation over the timed window, where they must differ — a
// main thread blocked by CPU-bound tasks run in-thread against one that hands them to worker threads.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';
import { registry } from '../impls/registry.js';
import { eventLoopWatch } from '../harness/measure/measure.js';
import { renderTable } from '../harness/output/format.js';
import { eventLoopMedians } from '../harness/output/results-table.js';
import { runBench } from '../harness/run/runner.js';
import { tinyScenario } from './helpers.js';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('eventLoopWatch', () => {
  it('sees a loop blocked from its first moment, and a free one', async () => {
    const blocked = await eventLoopWatch();
    busy(200);
    const stalled = (await blocked.stop())!;
    expect(stalled.delayMaxMs).toBeGreaterThan(150);
    expect(stalled.utilization).toBeGreaterThan(0.9);

    const free = await eventLoopWatch();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const idle = (await free.stop())!;
    expect(idle.samples).toBeGreaterThan(10);
    expect(idle.delayP50Ms).toBeLessThan(stalled.delayP50Ms);
    expect(idle.utilization).toBeLessThan(0.5);
  });
});

describe('event-loop metrics of a run', () => {
  it('separate a pool that runs CPU work on the main thread from one that keeps the loop free', async () => {
    const scenario = tinyScenario({
      workload: { kind: 'module', path: join(projectRoot, 'scenarios', 'examples', 'hash-task.js'), export: 'default', input: { bytes: 1 << 20 } },
      tasks: 150,
      concurrency: 2,
      threads: 2,
      warmup: { passes: 1, tasks: 10 },
    });
    const results = await runBench({ scenario, runs: 1, contenders: [{ adapter: registry.semaphore }, { adapter: registry.piscina }] });
    const [inThread, threads] = results.implementations.map((impl) => {
      expect(impl.state, impl.name).toBe('completed');
      return eventLoopMedians(impl)!;
    });
    // 150 hashes of 1 MiB hold the in-thread loop for the whole run (tens of ms at a stretch, machine-dependent);
    // posting them to workers does not. Compared with each other, not with a fixed time.
    expect(inThread!.delayP99Ms).toBeGreaterThan(10);
    expect(inThread!.delayP99Ms).toBeGreaterThan(3 * threads!.delayP99Ms);
    expect(inThread!.utilization).toBeGreaterThan(threads!.utilization);
    const table = renderTable(results);
    expect(table).toContain('loop p99 ms (ELU)');
    expect(table).toMatch(/semaphore .* [\d.]+ \(\d+ %\)/);
  });
});
