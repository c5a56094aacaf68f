// Bring your own task: a module workload from a folder outside the repository runs through an in-thread adapter and
// a worker-thread adapter with the harness's exactly-once checks, and every bad module fails before any run with
// the module, the export and what went wrong.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../impls/registry.js';
import { runBench } from '../harness/run/runner.js';
import { checkScenarioModules, loadScenarioFile } from '../scenarios/load.js';
import { prepareTask } from '../scenarios/workloads/task.js';
import { decodeResult } from '../scenarios/workloads/runtime.js';
import { tempDir, validScenarioJson, writeScenarioFile } from './helpers.js';

/** A folder outside the repository holding the user's modules; `files` maps a name to its source. */
function userFolder(files: Record<string, string>): string {
  const dir = tempDir('poolbench-user-');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
  return dir;
}

const TASK = `import { createHash } from 'node:crypto';
export async function digest(input) {
  if (input.id === 'never') throw new Error('unreachable');
  return createHash('sha256').update(input.text.repeat(64)).digest('hex');
}
export const notAFunction = 42;
export default function (input) { if (input === 13) throw new Error('task 13 rejects its input'); return input; }`;
const INPUTS = `export default (id) => ({ id, text: 'task ' + id });`;

function scenarioIn(dir: string, workload: unknown, overrides: Record<string, unknown> = {}): string {
  return writeScenarioFile(dir, validScenarioJson({ workload, tasks: 200, concurrency: 2, threads: 2, warmup: { passes: 1, tasks: 20 }, ...overrides }));
}

describe('module workload', () => {
  it('resolves paths against the scenario file and runs in-thread and in workers, every task exactly once', async () => {
    const dir = userFolder({ 'task.js': TASK, 'inputs.js': INPUTS });
    const file = scenarioIn(dir, { kind: 'module', path: './task.js', export: 'digest', input: { generator: './inputs.js' } });
    const validated = loadScenarioFile(file);
    expect(validated.scenario.workload).toEqual({
      kind: 'module', path: join(dir, 'task.js'), export: 'digest', input: { generator: join(dir, 'inputs.js'), export: 'default' },
    });
    await checkScenarioModules(validated);
    const results = await runBench({ scenario: validated.scenario, runs: 1, contenders: [{ adapter: registry.semaphore }, { adapter: registry.piscina }] });
    for (const impl of results.implementations) {
      expect(impl.state, `${impl.name}: ${impl.state !== 'completed' && 'reason' in impl ? impl.reason : ''}`).toBe('completed');
      if (impl.state !== 'completed') continue;
      const run = impl.runs[0]!;
      expect(run.state === 'measured' && run.problems).toEqual([]);
      if (run.state === 'measured') expect(run.sample.tally).toMatchObject({ tasks: 200, completed: 200, failed: 0, lost: 0, duplicated: 0, mismatched: 0 });
    }
    expect(results.ideal?.basis).toMatch(/tinybench p50 of one call of .*task\.js#digest.*async function/);
  });

  it('passes a fixed input, or the task id when there is none, and wraps the result in the task id', async () => {
    const dir = userFolder({ 'task.js': TASK });
    const fixed = loadScenarioFile(scenarioIn(dir, { kind: 'module', path: './task.js', input: 7 })).scenario.workload;
    expect(decodeResult(await (await prepareTask({ workload: fixed }))(5)).id).toBe(5);
    const byId = loadScenarioFile(scenarioIn(dir, { kind: 'module', path: './task.js' })).scenario.workload;
    const task = await prepareTask({ workload: byId });
    expect(decodeResult(await task(12)).id).toBe(12);
    await expect(task(13)).rejects.toThrow('task 13 rejects its input');
  });

  it('turns a task that throws, or one that kills its worker, into a result with a reason', async () => {
    const dir = userFolder({
      'task.js': TASK,
      'crash.js': `export default (id) => { if (id === 30) process.exit(7); return id; };`,
    });
    const throwing = loadScenarioFile(scenarioIn(dir, { kind: 'module', path: './task.js' })).scenario;
    const crashing = loadScenarioFile(scenarioIn(dir, { kind: 'module', path: './crash.js' }, { timeLimitSeconds: 20 })).scenario;
    const thrown = await runBench({ scenario: throwing, runs: 1, contenders: [{ adapter: registry.piscina }] });
    expect(thrown.implementations[0]).toMatchObject({ state: 'errored' });
    expect((thrown.implementations[0] as { reason: string }).reason).toMatch(/1 of 200 tasks failed.*task 13 rejects its input/);
    const crashed = await runBench({ scenario: crashing, runs: 1, contenders: [{ adapter: registry.piscina }, { adapter: registry.semaphore }] });
    for (const impl of crashed.implementations) {
      expect(impl.state, impl.name).toBe('errored');
      expect((impl as { reason: string }).reason.length).toBeGreaterThan(10);
    }
  });
});

describe('bad modules fail at load, naming the module, the export and the fault', () => {
  const dir = userFolder({
    'task.js': TASK,
    'throws.js': `throw new Error('cannot start without a GPU');`,
    'inputs.js': INPUTS,
  });
  const check = async (workload: unknown): Promise<void> => checkScenarioModules(loadScenarioFile(scenarioIn(dir, workload)));

  it('a missing file, at validation', async () => {
    await expect(check({ kind: 'module', path: './nope.js' })).rejects.toThrow(
      new RegExp(`workload.path is "./nope.js"; allowed: a path to a JavaScript module file, relative to the scenario file's folder \\(${join(dir, 'nope.js')}: no such file\\)`),
    );
  });
  it('a missing export, listing the exports there are', async () => {
    await expect(check({ kind: 'module', path: './task.js', export: 'resize' })).rejects.toThrow(
      `workload.path: module ${join(dir, 'task.js')}, export "resize": no such export; allowed: one of its exports: default, digest, notAFunction`,
    );
  });
  it('an export that is not a function', async () => {
    await expect(check({ kind: 'module', path: './task.js', export: 'notAFunction' })).rejects.toThrow(
      `export "notAFunction": is 42, not a function; allowed: a function (sync or async)`,
    );
  });
  it('a module that throws at import', async () => {
    await expect(check({ kind: 'module', path: './throws.js' })).rejects.toThrow(
      `module ${join(dir, 'throws.js')}, export "default": threw while being imported (cannot start without a GPU)`,
    );
  });
  it('a generator with a missing export, or a missing generator file', async () => {
    await expect(check({ kind: 'module', path: './task.js', input: { generator: './inputs.js', export: 'make' } })).rejects.toThrow(
      `workload.input.generator: module ${join(dir, 'inputs.js')}, export "make": no such export`,
    );
    await expect(check({ kind: 'module', path: './task.js', input: { generator: './gone.js' } })).rejects.toThrow(/workload.input.generator is "\.\/gone\.js"/);
  });
  it('an export name that is not an identifier', async () => {
    await expect(check({ kind: 'module', path: './task.js', export: '' })).rejects.toThrow(/workload.export is ""; allowed: the name of one of the module's exports/);
  });
});
