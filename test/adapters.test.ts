import { describe, expect, it } from 'vitest';
import { implementationNames, registry } from '../impls/registry.js';
import type { RunPlan } from '../impls/types.js';
import { loadScenario } from '../scenarios/load.js';
import { appliedProblems, tallyProblems } from '../harness/run/checks.js';
import { produce } from '../harness/measure/producer.js';
import { resolveThreads } from '../harness/run/runner.js';
import { tinyScenario } from './helpers.js';

const smoke = loadScenario('smoke').scenario;
const smokePlan: RunPlan = { scenario: smoke, threads: resolveThreads(smoke) };

describe('registry', () => {
  it('keys every adapter by its own name', () => {
    for (const name of implementationNames) expect(registry[name].name).toBe(name);
  });

  it('holds the card\'s libraries, the strongest peers and the three references', () => {
    expect(implementationNames).toEqual(
      expect.arrayContaining(['home-async', 'home-threads', 'p-limit', 'piscina', 'tinypool', 'workerpool', 'p-queue', 'fastq', 'poolifier', 'unbounded', 'semaphore', 'raw-workers']),
    );
    const refs = implementationNames.filter((n) => registry[n].kind === 'reference');
    expect(refs.sort()).toEqual(['raw-workers', 'semaphore', 'unbounded']);
  });
});

// poolifier 5.3.2 with its tasks queue now and then stalls: a worker's executing count stays stuck and the tasks
// queued on that worker never run (seen here under load, never on a quiet machine). The harness reports such a run
// as timed out; here its tests get a short timeout and two retries, so a real adapter bug still fails all three.
const libraryStalls = (name: string) => (name === 'poolifier' ? { retry: 2, timeout: 20_000 } : {});

describe.each(implementationNames)('%s on smoke', (name) => {
  it('completes every task exactly once with the settings it claims', libraryStalls(name), async (ctx) => {
    const adapter = registry[name];
    const verdict = adapter.canRun(smokePlan);
    // A distributed adapter needs a queue server: skipped on a machine without one, never in CI (.ci/run installs it).
    if (verdict !== true && adapter.kind === 'distributed' && !process.env.CI) ctx.skip();
    expect(verdict).toBe(true);
    const session = await adapter.setup(smokePlan);
    try {
      const tally = await produce(session, smoke.tasks, smoke.producer);
      expect(tallyProblems(tally)).toEqual([]);
      expect(tally.completed).toBe(smoke.tasks);
      expect(appliedProblems(session.applied, smokePlan, tally.peakRunning)).toEqual([]);
      if (adapter.kind === 'worker-threads') {
        expect(session.applied.threads).toBe(smokePlan.threads);
        expect(session.applied.tasksPerWorker).toBe(smoke.concurrency / smokePlan.threads);
      }
      if (name !== 'unbounded') expect(session.applied.concurrency).toBe(smoke.concurrency);
    } finally {
      await session.teardown();
    }
  });
});

describe('several tasks per worker', () => {
  const scenario = tinyScenario({ concurrency: 40, threads: 2, tasks: 400, workload: { kind: 'sleep', ms: 5 }, producer: { style: 'window', outstanding: 80 } });
  const plan: RunPlan = { scenario, threads: 2 };

  it.for(['home-threads', 'piscina', 'tinypool', 'poolifier', 'raw-workers'] as const)(
    '%s runs threads × tasks per worker = 2 × 20 and never more than 20 in one worker',
    { retry: 2, timeout: 20_000 },
    async (name) => {
      const session = await registry[name].setup(plan);
      try {
        const tally = await produce(session, scenario.tasks, scenario.producer);
        expect(session.applied).toMatchObject({ concurrency: 40, threads: 2, tasksPerWorker: 20 });
        expect(tally.completed).toBe(400);
        expect(tally.peakRunning).toBeGreaterThan(1);
        expect(tally.peakRunning).toBeLessThanOrEqual(20);
      } finally {
        await session.teardown();
      }
    },
  );

  it('workerpool says why it cannot: one task per worker', () => {
    expect(registry.workerpool.canRun(plan)).toEqual({
      reason: 'runs one task per worker: 40 concurrent tasks would need 40 threads, the scenario gives 2',
    });
  });

  it('thread pools skip a concurrency that does not split evenly over the threads', () => {
    const odd: RunPlan = { scenario: { ...scenario, concurrency: 41 }, threads: 2 };
    expect(registry.piscina.canRun(odd)).toEqual({
      reason: 'concurrency 41 is not a multiple of 2 threads, so threads × tasks per worker cannot equal it',
    });
  });

  it('in-thread limiters keep to their limit', async () => {
    for (const name of ['home-async', 'p-limit', 'p-queue', 'fastq', 'semaphore'] as const) {
      const session = await registry[name].setup(plan);
      const tally = await produce(session, scenario.tasks, scenario.producer);
      await session.teardown();
      expect(tally.peakRunning, name).toBe(40);
    }
  });

  it('in-thread limiters skip CPU-bound scenarios with a reason', () => {
    const cpu: RunPlan = { scenario: { ...scenario, workload: { kind: 'cpu', iterations: 10 } }, threads: 2 };
    expect(registry['p-limit'].canRun(cpu)).toEqual({
      reason: "runs every task on the main thread, so CPU-bound work cannot use the scenario's threads",
    });
  });
});
