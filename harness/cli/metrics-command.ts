// `pnpm metrics --scenario <id|path> [--engine async|threads]`: runs one scenario's workload through the home pool in
// this process and prints the pool's metrics in the Prometheus text exposition format.
// A metrics printer, not a benchmark: one pass, no warm-up, no fresh process, latency tracking switched on.
// Use `pnpm bench` for anything measured.
import { parseArgs } from 'node:util';
import { AsyncPool, ThreadPool } from '@poolbench/home';
import { registerPoolMetrics } from '@poolbench/home/prometheus';
import { compiledWorkerFile, isSkip, splitAcrossThreads, workerDataFor } from '../../impls/mapping.js';
import { canRun } from '../../impls/capabilities.js';
import { registry as implementations } from '../../impls/registry.js';
import type { AdapterSession, RunPlan } from '../../impls/types.js';
import { loadScenario } from '../../scenarios/load.js';
import type { Scenario } from '../../scenarios/schema.js';
import { createProbe, prepareTask, type TaskInput, type TaskSpec } from '../../scenarios/workloads/task.js';
import { taskInputs, workloadKind } from '../../scenarios/workloads/index.js';
import { errors } from '../../core/errors.js';
import { produce } from '../measure/producer.js';
import { resolveThreads } from '../run/runner.js';

const ENGINES = ['async', 'threads'] as const;
type Engine = (typeof ENGINES)[number];

const METRICS_USAGE = `Usage: pnpm metrics --scenario <id> [--engine async|threads]

Runs the scenario's tasks once through the home pool in this process, then prints the pool's metrics in the
Prometheus text format. It is a metrics printer, not a benchmark: use pnpm bench for measurements.

  --scenario, -s   scenario id (a file in scenarios/) or a path to a scenario .json file
  --engine, -e     async (AsyncPool, default) or threads (ThreadPool, threads × tasks per worker = concurrency)`;

interface MetricsArgs {
  help: boolean;
  scenario?: string;
  engine: Engine;
}

export function parseMetricsArgs(argv: string[]): MetricsArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string', short: 's' },
        engine: { type: 'string', short: 'e' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw errors.badArguments((error as Error).message);
  }
  const v = parsed.values;
  const engine = v.engine ?? 'async';
  if (!(ENGINES as readonly string[]).includes(engine)) throw errors.invalidFlag('engine', engine, ENGINES.join(' | '));
  if (!v.help && v.scenario === undefined) throw errors.missingFlag('scenario', 'a scenario id or a path to a scenario .json file');
  return { help: v.help ?? false, engine: engine as Engine, ...(v.scenario === undefined ? {} : { scenario: v.scenario }) };
}

type Submit = (id: number, callback: (error: unknown) => void) => void;

/** Submits every task through the harness's own producer (window, bursts or upfront), so no second copy of it exists. */
async function drive(scenario: Scenario, submit: Submit): Promise<void> {
  const session: AdapterSession = {
    applied: { concurrency: scenario.concurrency, threads: 0, options: {} },
    submit: (id, done) => submit(id, (error) => done(id, error ?? null, id)),
    teardown: async () => {},
  };
  await produce(session, scenario.tasks, scenario.producer);
}

/** The plan the adapters would get; the flaky workload counts attempts in shared memory, so it needs a probe. */
function planFor(scenario: Scenario): RunPlan {
  const countsAttempts = workloadKind(scenario.workload).countsAttempts === true;
  const task: TaskSpec = { workload: scenario.workload, ...(countsAttempts ? { probe: createProbe(scenario.tasks, scenario.tasks, true) } : {}) };
  return { scenario, threads: resolveThreads(scenario), task };
}

async function runAsync(plan: RunPlan): Promise<string> {
  // The async engine is the home-async row: it skips what that row skips.
  const skip = canRun(implementations['home-async'], plan);
  if (skip !== true) throw errors.invalidFlag('engine', 'async', `threads (for this scenario the async engine ${skip.reason})`);
  const retries = plan.scenario.retries ?? 0;
  const pool = new AsyncPool<number, number>({ concurrency: plan.scenario.concurrency, trackLatency: true, ...(retries > 0 ? { retry: retries } : {}) });
  const { registry } = registerPoolMetrics(pool);
  const task = await prepareTask(plan.task!);
  await drive(plan.scenario, (id, callback) => pool.run(task, id, callback));
  await pool.close();
  return registry.metrics();
}

async function runThreads(plan: RunPlan): Promise<string> {
  const split = splitAcrossThreads(plan);
  if (isSkip(split)) throw errors.invalidFlag('engine', 'threads', `async (for this scenario: ${split.reason})`);
  const retries = plan.scenario.retries ?? 0;
  const pool = new ThreadPool<TaskInput, number>({
    filename: compiledWorkerFile('home-worker'),
    minThreads: split.threads,
    maxThreads: split.threads,
    concurrentTasksPerWorker: split.tasksPerWorker,
    workerData: workerDataFor(plan),
    trackLatency: true,
    ...(retries > 0 ? { retry: retries } : {}),
  });
  const { registry } = registerPoolMetrics(pool);
  const inputOf = taskInputs(plan.scenario.workload);
  await drive(plan.scenario, (id, callback) => {
    if (!inputOf) return pool.run(id, callback);
    const { input, transferList } = inputOf(id);
    pool.run(input, callback, transferList ? { transferList } : undefined);
  });
  // Scraped before close(): after it no thread is left to report.
  const printed = await registry.metrics();
  await pool.close();
  return printed;
}

export async function main(args: MetricsArgs): Promise<void> {
  if (args.help) {
    process.stdout.write(`${METRICS_USAGE}\n`);
    return;
  }
  const loaded = loadScenario(args.scenario!);
  for (const note of loaded.notes) process.stderr.write(`note: ${note}\n`);
  const scenario = loaded.points?.[0] ?? loaded.scenario;
  if (loaded.points) process.stderr.write(`${scenario.id} is a sweep: running its first grid point only\n`);
  const plan = planFor(scenario);
  const printed = args.engine === 'async' ? await runAsync(plan) : await runThreads(plan);
  process.stderr.write(`${scenario.id}: ${scenario.tasks} tasks through the home ${args.engine} engine (one pass, not a benchmark)\n`);
  process.stdout.write(printed);
}

