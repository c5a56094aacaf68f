// Instructions per task, counted rather than timed, as CodSpeed does: the measured child runs under valgrind's
// cachegrind (no cache simulation, just instruction counts) with V8's --predictable flag, on the scenario's shape
// with no-op tasks. Two counts at different task counts, and the slope between them, cancel start-up, module
// loading and warm-up, leaving what each extra task costs. On a shared, noisy machine this moves by tenths of a
// percent where wall time moves by tens.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../../scenarios/schema.js';
import { runChild } from '../run/child.js';
import type { InstructionCount } from '../results/schema.js';

export const DEFAULT_SMALL_TASKS = 10_000;
// 10,000–60,000: the slope whose A/A spread and planted-slowdown detection results/notes/gate-quality.txt measured.
export const DEFAULT_LARGE_TASKS = 60_000;
/** valgrind runs node about 17× slower; the counted runs get this long each. */
const COUNT_TIME_LIMIT_SECONDS = 900;

/** The valgrind binary, or null with the reason the metric is skipped. */
export function findValgrind(): { path: string } | { missing: string } {
  try {
    const path = execFileSync('sh', ['-c', 'command -v valgrind'], { encoding: 'utf8' }).trim();
    if (path) return { path };
  } catch {
    // Not on PATH: reported below.
  }
  return { missing: "valgrind is not installed (Debian: apt-get install -y valgrind); instructions per task not counted" };
}

/** The counted scenario: the same shape, no-op tasks, no warm-up beyond one small pass, the given task count. */
export function countingScenario(scenario: Scenario, tasks: number): Scenario {
  return {
    ...scenario,
    workload: { kind: 'noop' },
    tasks,
    warmup: { passes: 1, tasks: Math.min(scenario.warmup.tasks, 2_000) },
  } as Scenario;
}

/** cachegrind's total instruction count ("summary: N" in its output file). */
export function readCachegrindTotal(text: string): number {
  const match = /^summary:\s+(\d+)/m.exec(text);
  if (!match) throw new Error('cachegrind output has no summary line');
  return Number(match[1]);
}

export interface CountRequest {
  scenario: Scenario;
  implementation: string;
  threads: number;
  /** Test fixtures and A/B baselines: a compiled module holding the adapter, or another checkout's child entry. */
  adapterModule?: string;
  childScript?: string;
  smallTasks?: number;
  largeTasks?: number;
}

async function countOnce(request: CountRequest, tasks: number, valgrind: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'poolbench-cachegrind-'));
  const out = join(dir, 'cachegrind.out');
  try {
    const { reply } = await runChild(
      {
        scenario: countingScenario(request.scenario, tasks),
        implementation: request.implementation,
        threads: request.threads,
        latency: false,
        ...(request.adapterModule ? { adapterModule: request.adapterModule } : {}),
      },
      COUNT_TIME_LIMIT_SECONDS,
      2048,
      undefined,
      request.childScript,
      {
        wrapper: { command: valgrind, args: ['--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${out}`, '--quiet'] },
        nodeFlags: ['--predictable'],
      },
    );
    if (reply.type !== 'measured') throw new Error(`the counted run failed: ${reply.reason}`);
    return readCachegrindTotal(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Counts one implementation's instructions per task, or says why it could not. */
export async function countInstructions(request: CountRequest): Promise<InstructionCount> {
  const small = request.smallTasks ?? DEFAULT_SMALL_TASKS;
  const large = request.largeTasks ?? DEFAULT_LARGE_TASKS;
  const method = `cachegrind Ir of the whole child under node --predictable, no-op tasks at the scenario's concurrency and producer; slope between ${small} and ${large} tasks`;
  const valgrind = findValgrind();
  if ('missing' in valgrind) return { state: 'skipped', reason: valgrind.missing, method };
  try {
    const lower = await countOnce(request, small, valgrind.path);
    const upper = await countOnce(request, large, valgrind.path);
    return { state: 'counted', perTask: (upper - lower) / (large - small), counts: [{ tasks: small, instructions: lower }, { tasks: large, instructions: upper }], method };
  } catch (error) {
    return { state: 'failed', reason: (error as Error).message, method };
  }
}
