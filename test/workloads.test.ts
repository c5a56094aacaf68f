import { describe, expect, it } from 'vitest';
import { implementationNames, registry } from '../impls/registry.js';
import { canRun } from '../impls/capabilities.js';
import type { AdapterSession, PoolAdapter } from '../impls/types.js';
import { createPayload, createProbe, createTask, decodeResult, ID_SPACE, InjectedTaskError, type PayloadMessage } from '../scenarios/workloads/task.js';
import { taskInputs, workloadKind, workloadKinds } from '../scenarios/workloads/index.js';
import { cpu } from '../scenarios/workloads/cpu.js';
import { mixed } from '../scenarios/workloads/mixed.js';
import type { Calibrate } from '../scenarios/workloads/kind.js';
import { sleepIdeal } from '../harness/run/ideal.js';
import { workloadPeriods } from '../harness/measure/latency.js';
import { produce } from '../harness/measure/producer.js';
import { tallyProblems } from '../harness/run/checks.js';
import { compiledFile } from '../core/paths.js';
import { runBench, type Contender } from '../harness/run/runner.js';
import * as fixtures from './fixtures/adapters.js';
import { tinyScenario } from './helpers.js';

const fixtureModule = compiledFile('test', 'fixtures', 'adapters.js');
const fixture = (adapter: PoolAdapter): Contender => ({ adapter, module: fixtureModule });

describe('flaky workload', () => {
  it('fails the first attempt of every failEvery-th task and succeeds on the retry', async () => {
    const probe = createProbe(40, 1, true);
    const task = createTask({ workload: { kind: 'flaky', ms: 1, failEvery: 20, failAttempts: 1 }, probe });
    await expect(task(19)).rejects.toBeInstanceOf(InjectedTaskError);
    expect(decodeResult(await task(19)).id).toBe(19);
    expect(decodeResult(await task(18)).id).toBe(18);
    expect(Array.from(new Int32Array(probe.attempts).slice(18, 20))).toEqual([1, 2]);
  });

  it('refuses to build without a probe to count attempts in', () => {
    expect(() => createTask({ workload: { kind: 'flaky', ms: 1, failEvery: 20, failAttempts: 1 } })).toThrow(/probe/);
  });
});

describe('payload workload', () => {
  const task = createTask({ workload: { kind: 'payload', bytes: 64, transfer: false } });

  it('answers with the id when its buffer arrived whole', async () => {
    expect(decodeResult(await task(createPayload(7, 64))).id).toBe(7);
  });

  it('answers with another id when the buffer is short or belongs to another task', async () => {
    const short: PayloadMessage = { id: 7, data: new ArrayBuffer(8) };
    const another: PayloadMessage = { id: 7, data: createPayload(8, 64).data };
    expect(decodeResult(await task(short)).id).not.toBe(7);
    expect(decodeResult(await task(another)).id).not.toBe(7);
  });

  it("builds each task's message once, with a transfer list only when the buffer is to move", () => {
    const moved = taskInputs({ kind: 'payload', bytes: 64, transfer: true })!(5);
    const message = moved.input as { id: number; data: ArrayBuffer };
    expect(message.id).toBe(5);
    expect(new Uint32Array(message.data, 0, 1)[0]).toBe(5);
    expect(moved.transferList).toEqual([message.data]);
    expect(taskInputs({ kind: 'payload', bytes: 64, transfer: false })!(5).transferList).toBeUndefined();
    expect(taskInputs({ kind: 'sleep', ms: 1 })).toBeUndefined();
  });
});

describe('workload declarations', () => {
  it('lists every kind once, each findable by its name', () => {
    const names = workloadKinds.map((k) => k.kind);
    expect(new Set(names).size).toBe(names.length);
    for (const kind of workloadKinds) expect(workloadKind({ kind: kind.kind })).toBe(kind);
    expect(() => workloadKind({ kind: 'io' })).toThrow('unknown workload kind "io"; known: sleep, cpu, noop, flaky, mixed, payload');
  });

  it('gives latency sampling the periods a workload repeats with', () => {
    expect(workloadPeriods({ kind: 'flaky', ms: 1, failEvery: 20, failAttempts: 1 })).toEqual([20]);
    expect(workloadPeriods({ kind: 'mixed', ms: 1, iterations: 5, cpuEvery: 4 })).toEqual([4]);
    expect(workloadPeriods({ kind: 'sleep', ms: 1 })).toEqual([]);
  });

  it('computes calibrated ideals from the calibration the harness passes in', async () => {
    let calls = 0;
    const fake: Calibrate = async (once) => {
      once();
      calls++;
      return { perTaskMs: 0.5, samples: 7, method: 'fake p50' };
    };
    const shape = { tasks: 1000, concurrency: 10, threads: 2 };
    expect(await cpu.calibratedIdeal!({ kind: 'cpu', iterations: 10 }, shape, fake)).toEqual({
      ms: 250, basis: '1000 × 0.500 ms (fake p50 of one task, 7 samples) / 2 threads',
    });
    // 250 CPU tasks over 2 threads (62.5 ms) against 75 waves of 1 ms for the 750 sleeping ones: the later bound wins.
    expect(await mixed.calibratedIdeal!({ kind: 'mixed', ms: 1, iterations: 10, cpuEvery: 4 }, shape, fake)).toEqual({
      ms: 75, basis: 'max(ceil(750 / 10) × 1 ms, 250 × 0.500 ms (fake p50, 7 samples) / 2 threads)',
    });
    expect(calls).toBe(2);
  });

  it('marks the flaky first-attempts bound in its basis', () => {
    expect(sleepIdeal(tinyScenario({ tasks: 100, concurrency: 10, workload: { kind: 'flaky', ms: 5, failEvery: 20, failAttempts: 1 } }))).toEqual({
      ms: 50, basis: 'ceil(100 / 10) × 5 ms, first attempts only',
    });
  });
});

describe('mixed workload', () => {
  it('spins on every cpuEvery-th task and sleeps on the rest', async () => {
    const task = createTask({ workload: { kind: 'mixed', ms: 30, iterations: 10, cpuEvery: 2 } });
    const t0 = performance.now();
    await task(1);
    const cpuMs = performance.now() - t0;
    await task(0);
    const sleepMs = performance.now() - t0 - cpuMs;
    expect(cpuMs).toBeLessThan(25);
    expect(sleepMs).toBeGreaterThanOrEqual(29);
  });
});

describe('bursts producer', () => {
  it('submits one burst at once and the next only after the interval', async () => {
    const submittedAt: number[] = [];
    const t0 = performance.now();
    const session: AdapterSession = {
      applied: { concurrency: 'unbounded', threads: 0, options: {} },
      submit(id, done) {
        submittedAt[id] = performance.now() - t0;
        queueMicrotask(() => done(id, null, id + ID_SPACE));
      },
      async teardown() {},
    };
    const tally = await produce(session, 25, { style: 'bursts', size: 10, everyMs: 40 });
    expect(tally.completed).toBe(25);
    expect(Math.max(...submittedAt.slice(0, 10))).toBeLessThan(30);
    expect(Math.min(...submittedAt.slice(10, 20))).toBeGreaterThanOrEqual(39);
    expect(Math.min(...submittedAt.slice(20))).toBeGreaterThanOrEqual(79);
  });

  it('has an ideal no earlier than the last burst release', () => {
    const ideal = sleepIdeal(tinyScenario({ tasks: 100, concurrency: 10, workload: { kind: 'sleep', ms: 5 }, producer: { style: 'bursts', size: 25, everyMs: 100 } }));
    expect(ideal!.ms).toBe(300 + 3 * 5);
  });
});

describe('errors scenario accounting', () => {
  const scenario = tinyScenario({
    tasks: 400,
    concurrency: 8,
    producer: { style: 'window', outstanding: 16 },
    workload: { kind: 'flaky', ms: 1, failEvery: 20, failAttempts: 1 },
    retries: 1,
    errorTolerance: 0.06,
  });

  it('adds up failed + retried + first-try successes to the tasks submitted, with and without retry', async () => {
    const results = await runBench({ scenario, runs: 1, contenders: [{ adapter: registry['home-async'] }, { adapter: registry['p-limit'] }] });
    const [home, pLimit] = results.implementations;
    for (const impl of [home!, pLimit!]) {
      expect(impl.state).toBe('completed');
      if (impl.state !== 'completed') continue;
      const run = impl.runs[0]!;
      if (run.state !== 'measured') throw new Error('not measured');
      const t = run.sample.tally;
      expect(t.firstTry! + t.retried! + t.failed).toBe(t.tasks);
      // Each retried task took exactly one extra attempt, and no failed task was retried.
      expect(t.attempts).toBe(t.tasks + t.retried!);
      expect(t.lost).toBe(0);
    }
    if (home?.state !== 'completed' || pLimit?.state !== 'completed') return;
    const homeTally = home.runs[0]!.state === 'measured' ? home.runs[0]!.sample.tally : undefined;
    const limitTally = pLimit.runs[0]!.state === 'measured' ? pLimit.runs[0]!.sample.tally : undefined;
    expect(homeTally).toMatchObject({ completed: 400, failed: 0, firstTry: 380, retried: 20, attempts: 420 });
    expect(limitTally).toMatchObject({ completed: 380, failed: 20, firstTry: 380, retried: 0, attempts: 400 });
    expect(home.applied.retries).toBe(1);
    expect(pLimit.notes).toEqual(['has no retry: the scenario asks for 1, so failed tasks stay failed']);
  });
});

describe('attempt accounting check', () => {
  it('reports a success for which no attempt was ever made', () => {
    const tally = { tasks: 10, completed: 10, failed: 0, duplicated: 0, mismatched: 0, lost: 0, peakRunning: 1, wallMs: 1, firstTry: 8, retried: 1, attempts: 10 };
    expect(tallyProblems(tally)).toEqual(['1 of 10 tasks were reported successful without an attempt (succeeded first try 8 + after retry 1 ≠ completed 10)']);
    expect(tallyProblems({ ...tally, firstTry: 9 })).toEqual([]);
  });
});

describe('runner instruments', () => {
  it('records per-task latency for every sampled task of a run', async () => {
    const results = await runBench({ scenario: tinyScenario({ tasks: 300 }), runs: 1, contenders: [{ adapter: registry.semaphore }] });
    const impl = results.implementations[0]!;
    if (impl.state !== 'completed' || impl.runs[0]!.state !== 'measured') throw new Error(`not measured: ${JSON.stringify(impl)}`);
    const latency = impl.runs[0]!.sample.latency!;
    expect(latency.samples).toBe(300);
    expect(latency.run.p50).toBeGreaterThanOrEqual(0.9);
    expect(latency.total.max).toBeGreaterThanOrEqual(latency.total.p99);
  });

  it('records no latency when switched off', async () => {
    const results = await runBench({ scenario: tinyScenario({ tasks: 100 }), runs: 1, latency: false, contenders: [{ adapter: registry.semaphore }] });
    const impl = results.implementations[0]!;
    if (impl.state !== 'completed' || impl.runs[0]!.state !== 'measured') throw new Error('not measured');
    expect(impl.runs[0]!.sample.latency).toBeUndefined();
  });

  it('runs a scaled-down implementation at its own task count and says so', async () => {
    const results = await runBench({ scenario: tinyScenario({ tasks: 300 }), runs: 1, contenders: [fixture(fixtures.scalesDown)] });
    const impl = results.implementations[0]!;
    expect(impl.state).toBe('completed');
    if (impl.state !== 'completed' || impl.runs[0]!.state !== 'measured') return;
    expect(impl.scaled).toMatchObject({ tasks: 100, fromTasks: 300, reason: 'scaled from 300 to a third for the test' });
    expect(impl.runs[0]!.sample.tally).toMatchObject({ tasks: 100, completed: 100 });
  });

  it('keeps the peak of the memory an implementation holds outside the process', async () => {
    const results = await runBench({ scenario: tinyScenario({ tasks: 300 }), runs: 1, contenders: [fixture(fixtures.holdsExternalMemory)] });
    const impl = results.implementations[0]!;
    if (impl.state !== 'completed' || impl.runs[0]!.state !== 'measured') throw new Error('not measured');
    const peak = impl.runs[0]!.sample.externalPeak!;
    expect(peak.bytes).toBeGreaterThanOrEqual(2000);
    expect(peak.parts.server! + peak.parts.workers!).toBe(peak.bytes);
  });
});

describe('dynamic threads', () => {
  it('records the live thread count of pools that shrink between bursts and grow back', async () => {
    const scenario = tinyScenario({
      tasks: 100, concurrency: 4, threads: 2, warmup: { passes: 0, tasks: 0 },
      producer: { style: 'bursts', size: 20, everyMs: 300 },
      dynamicThreads: { min: 1, idleTimeoutMs: 10 },
    });
    const threadPools = implementationNames.filter((n) => registry[n].capabilities.runsOn === 'worker-threads');
    const shrinking = threadPools.filter((n) => registry[n].capabilities.dynamicThreads === true);
    const results = await runBench({ scenario, runs: 1, contenders: threadPools.map((n) => ({ adapter: registry[n] })) });
    expect(shrinking).toEqual(expect.arrayContaining(['home-threads', 'piscina']));
    for (const name of shrinking) {
      const impl = results.implementations.find((i) => i.name === name)!;
      const run = impl.state === 'skipped' ? undefined : impl.runs[0];
      if (run?.state !== 'measured') throw new Error(`${name} not measured: ${JSON.stringify(impl).slice(0, 300)}`);
      // poolifier's per-worker limit is soft (task stealing): the runner may flag it, and that is all it may flag.
      if (name === 'poolifier' && impl.state === 'errored') expect(run.problems.join('; ')).toMatch(/above the applied limit/);
      else expect(impl.state).toBe('completed');
      expect(run.applied.minThreads).toBe(1);
      const threads = run.sample.poolThreads!;
      expect(threads.max, name).toBe(2);
      expect(threads.min, name).toBe(1);
      expect(threads.drops, name).toBeGreaterThanOrEqual(1);
    }
    for (const name of threadPools.filter((n) => !shrinking.includes(n))) {
      expect(results.implementations.find((i) => i.name === name), name).toMatchObject({ state: 'skipped', reason: registry[name].capabilities.dynamicThreads });
    }
  });
});

describe('payload across threads', () => {
  for (const transfer of [false, true]) {
    it(`reaches the workers intact when ${transfer ? 'transferred' : 'copied'}`, async () => {
      const scenario = tinyScenario({ tasks: 60, concurrency: 4, threads: 2, workload: { kind: 'payload', bytes: 4096, transfer } });
      // Every in-process implementation: those whose declarations allow it must carry the payload intact, the rest
      // skip with the reason canRun gives (no child is started for them).
      const plan = { scenario, threads: 2 };
      const names = implementationNames.filter((n) => registry[n].kind !== 'distributed');
      const results = await runBench({ scenario, runs: 1, contenders: names.map((n) => ({ adapter: registry[n] })) });
      const carried = results.implementations.filter((i) => i.state !== 'skipped').map((i) => i.name);
      expect(carried).toEqual(expect.arrayContaining(['home-threads', 'piscina', 'tinypool', 'raw-workers']));
      for (const impl of results.implementations) {
        const verdict = canRun(registry[impl.name as (typeof names)[number]], plan);
        if (verdict !== true) {
          expect(impl, impl.name).toMatchObject({ state: 'skipped', reason: verdict.reason });
          continue;
        }
        expect(impl.state, `${impl.name}: ${'reason' in impl ? impl.reason : ''}`).toBe('completed');
      }
      expect(results.implementations.find((i) => i.name === 'p-limit')).toMatchObject({ reason: expect.stringMatching(/no thread boundary/) });
    });
  }
});
