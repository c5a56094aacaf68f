// `node --expose-gc dist/scripts/soak.js [--tasks N] [--impl home-async]`: a soak benchmark (not a unit test).
// Runs N sleep-10 ms tasks at 10,000 in flight through one implementation with the window producer (20,000
// outstanding), sampling main-thread heapUsed every 100 ms, then fits a line through the samples after the first
// 10 % (start-up). Flat means the fitted growth over the run is within the samples' own noise (2 σ of the residuals).
import { parseArgs } from 'node:util';
import { implementationNames, isImplementationName, registry } from '../impls/registry.js';
import type { Scenario } from '../scenarios/schema.js';
import { runCli } from '../harness/cli/run-cli.js';
import { errors } from '../core/errors.js';
import { produce } from '../harness/measure/producer.js';
import { heapTrend } from '../harness/measure/trend.js';

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { tasks: { type: 'string', default: '10000000' }, impl: { type: 'string', default: 'home-async' } } }));
  } catch (error) {
    throw errors.badArguments((error as Error).message);
  }
  const tasks = Number(values.tasks);
  if (!Number.isSafeInteger(tasks) || tasks < 1) throw errors.invalidFlag('tasks', values.tasks, 'an integer ≥ 1');
  if (!isImplementationName(values.impl)) throw errors.unknownImplementation(values.impl, implementationNames);
  const scenario: Scenario = {
    schemaVersion: 1, id: 'soak', description: 'soak', workload: { kind: 'sleep', ms: 10 }, tasks, concurrency: 10_000,
    threads: 2, producer: { style: 'window', outstanding: 20_000 }, warmup: { passes: 0, tasks: 0 }, runs: 1, timeLimitSeconds: 3600,
  };
  const adapter = await registry[values.impl].load();
  const session = await adapter.setup({ scenario, threads: 2 });
  const samples: { t: number; bytes: number }[] = [];
  const t0 = performance.now();
  const timer = setInterval(() => samples.push({ t: (performance.now() - t0) / 1000, bytes: process.memoryUsage().heapUsed }), 100);
  const tally = await produce(session, tasks, scenario.producer);
  clearInterval(timer);
  await session.teardown();
  const steady = samples.slice(Math.floor(samples.length / 10));
  const trend = heapTrend(steady);
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  const heaps = steady.map((s) => s.bytes);
  process.stdout.write(
    `${adapter.name}: ${tally.completed}/${tasks} tasks in ${(tally.wallMs / 1000).toFixed(1)} s; heapUsed over ${steady.length} samples ` +
      `${mb(Math.min(...heaps))}–${mb(Math.max(...heaps))} MB; fitted growth ${mb(trend.growthBytes)} MB over the run ` +
      `(${(trend.slopeBytesPerSecond / 1024).toFixed(1)} KB/s), residual σ ${mb(trend.residualSdBytes)} MB: ` +
      `${trend.flat ? 'flat (growth within 2 σ of noise)' : 'GROWING (growth beyond 2 σ of noise)'}\n`,
  );
  if (!trend.flat || tally.completed !== tasks) process.exitCode = 1;
}

await runCli(main);
