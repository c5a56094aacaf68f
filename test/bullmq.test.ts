// The bullmq adapter against a real redis-server: through the real runner, its session directly, the hand-started
// worker CLI, and the Redis lifecycle (nothing may outlive a run, not even a SIGKILLed owner).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bullmqEnvironment, bullmqScaleDown, bullmqSetup, CONSERVATIVE_JOBS_PER_SECOND } from '../impls/bullmq.js';
import { canRun } from '../impls/capabilities.js';
import { registry } from '../impls/registry.js';
import type { RunPlan } from '../impls/types.js';
import { parseWorkerArgs } from '../impls/workers/bullmq-process.js';
import { loadScenario } from '../scenarios/load.js';
import { tallyProblems } from '../harness/run/checks.js';
import { compiledFile } from '../core/paths.js';
import { produce } from '../harness/measure/producer.js';
import { redisAvailability, startRedis } from '../impls/support/redis.js';
import { runBench } from '../harness/run/runner.js';
import { tinyScenario } from './helpers.js';

const smoke = loadScenario('smoke').scenario;
const smokePlan: RunPlan = { scenario: smoke, threads: 4 };
// Without redis-server the real-Redis tests skip on a developer's machine, but run (and fail) under CI, which installs it.
const haveRedis = redisAvailability() === true;
const realRedis = describe.runIf(haveRedis || Boolean(process.env.CI));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every process below `pid` (children, grandchildren, …), from pgrep -P. */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    // pgrep exits 1 when there is none
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

async function gone(pids: number[], withinMs = 5000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return pids.filter(alive);
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

realRedis('bullmq on a real redis-server', () => {
  it('has redis-server to test against (CI installs it: a missing one fails here, never skips)', () => {
    expect(redisAvailability()).toBe(true);
  });

  it('completes smoke through the runner, every task exactly once, with external memory recorded', async () => {
    const results = await runBench({ scenario: smoke, runs: 1, contenders: [{ adapter: registry.bullmq }] });
    const impl = results.implementations[0]!;
    expect(impl.kind).toBe('distributed');
    expect(impl.state, impl.state === 'completed' ? '' : 'reason' in impl ? impl.reason : '').toBe('completed');
    if (impl.state !== 'completed') return;
    expect(impl.applied).toMatchObject({ concurrency: 4, threads: 4, tasksPerWorker: 1 });
    expect(impl.applied.options).toMatchObject({ defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
    const run = impl.runs[0]!;
    expect(run.state).toBe('measured');
    if (run.state !== 'measured') return;
    expect(run.problems).toEqual([]);
    expect(run.sample.tally).toMatchObject({ completed: smoke.tasks, failed: 0, duplicated: 0, lost: 0, mismatched: 0 });
    const external = run.sample.externalPeak!;
    expect(external.parts['redis.used_memory']).toBeGreaterThan(0);
    expect(Object.keys(external.parts).filter((k) => /^worker\.\d+\.rss$/.test(k))).toHaveLength(4);
    expect(external.bytes).toBe(Object.values(external.parts).reduce((a, b) => a + b, 0));
  }, 120_000);

  it('runs threads × per-process concurrency, passes start times, and teardown leaves no redis-server or worker process', async () => {
    const scenario = tinyScenario({ concurrency: 8, threads: 2, tasks: 400, workload: { kind: 'sleep', ms: 5 }, producer: { style: 'window', outstanding: 32 } });
    const plan: RunPlan = { scenario, threads: 2 };
    const session = await (await registry.bullmq.load()).setup(plan);
    const spawned = descendants(process.pid);
    let startedAts = 0;
    const submittedAt = Date.now();
    const tracked = {
      ...session,
      submit: (id: number, done: Parameters<typeof session.submit>[1]) =>
        session.submit(id, (doneId, error, result, startedAt) => {
          if (typeof startedAt === 'number' && startedAt >= submittedAt - 1000 && startedAt <= Date.now() + 1000) startedAts++;
          done(doneId, error, result, startedAt);
        }),
    };
    try {
      expect(session.applied).toMatchObject({ concurrency: 8, threads: 2, tasksPerWorker: 4 });
      const tally = await produce(tracked, scenario.tasks, scenario.producer);
      expect(tallyProblems(tally)).toEqual([]);
      expect(tally.completed).toBe(400);
      expect(tally.peakRunning).toBeGreaterThan(1);
      expect(tally.peakRunning).toBeLessThanOrEqual(4);
      expect(startedAts).toBe(400);
      const memory = await session.externalMemory!();
      expect(Object.keys(memory.parts).sort()).toEqual(['redis.used_memory', 'worker.0.rss', 'worker.1.rss']);
      expect(memory.parts['worker.0.rss']).toBeGreaterThan(10 * 2 ** 20);
    } finally {
      await session.teardown();
    }
    // Two workers, the guard shell and redis-server itself.
    expect(spawned.length).toBeGreaterThanOrEqual(4);
    expect(await gone(spawned)).toEqual([]);
  }, 60_000);

  it('runs on workers started by hand with the documented command, against POOLBENCH_REDIS_URL', async () => {
    const redis = await startRedis();
    const queue = `poolbench-test-${process.pid}`;
    const file = compiledFile('impls', 'workers', 'bullmq-process.js');
    const workers = [0, 1].map(() =>
      spawn(process.execPath, [file, '--redis', redis.url, '--queue', queue, '--concurrency', '3'], { stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    try {
      const scenario = tinyScenario({ concurrency: 6, threads: 2, tasks: 200, workload: { kind: 'noop' }, producer: { style: 'window', outstanding: 24 } });
      const env = { ...process.env, POOLBENCH_REDIS_URL: redis.url, POOLBENCH_BULLMQ_LOCAL_WORKERS: '0', POOLBENCH_BULLMQ_QUEUE: queue };
      expect(canRun(registry.bullmq, { scenario, threads: 2 }, env)).toBe(true);
      // Two runs in a row: long-lived workers serve each run's workload, and teardown's obliterate leaves the queue usable.
      for (const workload of [{ kind: 'noop' }, { kind: 'sleep', ms: 2 }] as const) {
        const session = await bullmqSetup({ scenario: { ...scenario, workload }, threads: 2 }, env);
        try {
          expect(session.applied).toMatchObject({ concurrency: 6, threads: 2, tasksPerWorker: 3 });
          const tally = await produce(session, scenario.tasks, scenario.producer);
          expect(tallyProblems(tally), workload.kind).toEqual([]);
          expect(tally.completed).toBe(200);
          const memory = await session.externalMemory!();
          const remote = Object.keys(memory.parts).filter((k) => k.startsWith('worker.'));
          expect(remote.map((k) => Number(/:(\d+)\.rss$/.exec(k)?.[1])).sort()).toEqual(workers.map((w) => w.pid).sort());
        } finally {
          await session.teardown();
        }
      }
      // A Redis given by URL is not the adapter's to stop: it still answers.
      expect(alive(redis.pid!)).toBe(true);
      for (const worker of workers) worker.kill('SIGTERM');
      expect(await Promise.all(workers.map(exitOf))).toEqual([0, 0]);
    } finally {
      for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
      await redis.stop();
    }
    expect(await gone([redis.pid!])).toEqual([]);
    expect(existsSync(redis.dir!)).toBe(false);
  }, 60_000);

  it('stops redis-server and removes its directory when the process that started it is SIGKILLed', async () => {
    const script = `import { startRedis } from ${JSON.stringify(compiledFile('impls', 'support', 'redis.js'))};
      const r = await startRedis(); console.log(JSON.stringify({ pid: r.pid, dir: r.dir })); setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      owner.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()));
      owner.once('exit', (code) => reject(new Error(`the owner process exited with code ${code} before starting redis-server`)));
    });
    const { pid, dir } = JSON.parse(line) as { pid: number; dir: string };
    expect(alive(pid)).toBe(true);
    owner.kill('SIGKILL');
    expect(await gone([pid])).toEqual([]);
    // The guard removes the directory right after redis-server exits.
    for (let i = 0; i < 100 && existsSync(dir); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(dir)).toBe(false);
  }, 30_000);
});

realRedis('bullmq when its process is killed', () => {
  it('leaves no worker process or redis-server behind after a SIGKILL mid-run (as at a time limit)', async () => {
    const script = `import { registry } from ${JSON.stringify(compiledFile('impls', 'registry.js'))};
      const scenario = { ...${JSON.stringify(tinyScenario({ threads: 2, concurrency: 4, workload: { kind: 'sleep', ms: 50 } }))} };
      const session = await (await registry.bullmq.load()).setup({ scenario, threads: 2 });
      for (let id = 0; id < 100; id++) session.submit(id, () => {});
      console.log('running'); setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      owner.stdout!.once('data', () => resolve());
      owner.once('exit', (code) => reject(new Error(`the owner process exited with code ${code} before running`)));
    });
    const spawned = descendants(owner.pid!);
    expect(spawned.length).toBeGreaterThanOrEqual(4);
    owner.kill('SIGKILL');
    expect(await gone(spawned, 10_000)).toEqual([]);
  }, 30_000);
});

describe('bullmq without a Redis', () => {
  it('canRun skips with the reason when redis-server is not on PATH and no URL is set', () => {
    const reason = { reason: 'redis-server not found on PATH and POOLBENCH_REDIS_URL not set' };
    expect(canRun(registry.bullmq, smokePlan, { PATH: '/nonexistent' })).toEqual(reason);
    expect(bullmqEnvironment({ PATH: '/usr/bin:/bin' }, () => undefined)).toEqual(reason);
    // A URL is enough: the server may live elsewhere.
    expect(canRun(registry.bullmq, smokePlan, { PATH: '/nonexistent', POOLBENCH_REDIS_URL: 'redis://10.0.0.5:6379' })).toBe(true);
  });

  it('canRun says why hand-started workers need a URL, and which workloads a job cannot carry', () => {
    expect(bullmqEnvironment({ PATH: '/x', POOLBENCH_BULLMQ_LOCAL_WORKERS: '0' }, () => '/x/redis-server')).toEqual({
      reason: 'POOLBENCH_BULLMQ_LOCAL_WORKERS=0 needs POOLBENCH_REDIS_URL: workers started by hand must reach the same Redis',
    });
    const payload = { ...smokePlan, scenario: { ...smoke, workload: { kind: 'payload', bytes: 64, transfer: false } } } as unknown as RunPlan;
    expect(canRun(registry.bullmq, payload, { POOLBENCH_REDIS_URL: 'redis://h:1' })).toEqual({
      reason: 'workload payload is not supported: a job carries only its task id (supported: sleep, cpu, noop, mixed, module)',
    });
  });

  it('scaleDown names both counts and the throughput behind them, and leaves small scenarios alone', () => {
    const million = loadScenario('million').scenario;
    const down = bullmqScaleDown({ scenario: million, threads: 2 })!;
    expect(down.tasks).toBeLessThan(million.tasks);
    expect(down.tasks).toBeGreaterThan(0);
    // At the planned rate the scaled run fits in half the limit.
    expect(down.tasks / CONSERVATIVE_JOBS_PER_SECOND).toBeLessThanOrEqual(million.timeLimitSeconds / 2);
    expect(down.reason).toBe(
      `scaled from 1,000,000 to ${down.tasks.toLocaleString('en-US')} tasks: ~2,000 jobs/s through Redis would need 501 s, ` +
        'over half of the 120 s limit (the rest is for setup, warm-up and teardown)',
    );
    expect(registry.bullmq.scaleDown!(smokePlan)).toBeUndefined();
  });

  it('the worker CLI names the bad argument, its value and what is allowed', () => {
    expect(parseWorkerArgs(['--redis', 'redis://h:6379', '--queue', 'q', '--concurrency', '8'])).toEqual({ redis: 'redis://h:6379', queue: 'q', concurrency: 8 });
    expect(() => parseWorkerArgs(['--redis', 'h:6379', '--queue', 'q', '--concurrency', '8'])).toThrow('--redis is "h:6379"; expected a redis:// URL');
    expect(() => parseWorkerArgs(['--redis', 'redis://h', '--queue', 'q', '--concurrency', '0'])).toThrow('--concurrency is "0"; expected an integer ≥ 1');
    expect(() => parseWorkerArgs(['--threads', '2'])).toThrow('unknown argument "--threads"; allowed: --redis, --queue, --concurrency');
  });
});
