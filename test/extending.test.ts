// Adding an implementation is one adapter file + one registry entry; adding a workload kind is one file + one line
// in the list (with its import). Proven on a copy of the sources: a throwaway limiter and a throwaway kind are added
// exactly that way, the copy is compiled, and `pnpm bench` runs them, every task completing exactly once.
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';
import { readResultsFile } from '../harness/results/store.js';
import type { ResultsFile } from '../harness/results/schema.js';
import { tempDir } from './helpers.js';

const THROWAWAY_ADAPTER = `// Throwaway: a counter and a queue, the least an in-thread limiter can be.
import { createTask } from '../scenarios/workloads/task.js';
import { taskSpecFor } from './mapping.js';
import type { AdapterSession, Done, RunPlan } from './types.js';

export async function setup(plan: RunPlan): Promise<AdapterSession> {
  const task = createTask(taskSpecFor(plan));
  const limit = plan.scenario.concurrency;
  const waiting: Array<[number, Done]> = [];
  let active = 0;
  const start = (id: number, done: Done): void => {
    active++;
    task(id).then((result) => finish(id, done, null, result), (error: unknown) => finish(id, done, error));
  };
  const finish = (id: number, done: Done, error: unknown, result?: number): void => {
    active--;
    const next = waiting.shift();
    if (next) start(next[0], next[1]);
    done(id, error, result);
  };
  return {
    applied: { concurrency: limit, threads: 0, options: { limit } },
    submit(id, done) {
      if (active < limit) start(id, done);
      else waiting.push([id, done]);
    },
    async teardown() {},
  };
}
`;

const REGISTRY_LINE = `  'tiny-limit': { kind: 'in-thread', summary: 'throwaway limiter', capabilities: MAIN_THREAD, module: () => import('./tiny-limit.js') },\n`;

const THROWAWAY_KIND = `// Throwaway: each task lets the event loop turn \`rounds\` times, then resolves.
import type { WorkloadKind } from './kind.js';
import { encodeResult, startRecorder, taskEnded, taskStarted } from './runtime.js';

export interface TickWorkload {
  kind: 'tick';
  rounds: number;
}

export const tick: WorkloadKind<TickWorkload> = {
  kind: 'tick',
  fields: { rounds: { type: 'integer', min: 1 } },
  createTask(workload, probe) {
    const recordStart = startRecorder(probe);
    return async (input) => {
      const id = input as number;
      recordStart(id);
      const startedWith = taskStarted();
      for (let round = 0; round < workload.rounds; round++) await new Promise((resolve) => setImmediate(resolve));
      taskEnded();
      return encodeResult(id, startedWith);
    };
  },
};
`;

const TICK_SCENARIO = {
  schemaVersion: 1, id: 'tick', description: 'throwaway: 400 tasks of 3 event-loop turns at 8 in flight',
  workload: { kind: 'tick', rounds: 3 }, tasks: 400, concurrency: 8, threads: 2,
  producer: { style: 'window', outstanding: 32 }, warmup: { passes: 1, tasks: 40 }, runs: 1, timeLimitSeconds: 30,
};

/** Replaces `marker` (which must be there exactly once) by `replacement`. */
function edit(file: string, marker: string, replacement: string): void {
  const text = readFileSync(file, 'utf8');
  expect(text.split(marker).length - 1, `${relative(projectRoot, file)} has one ${JSON.stringify(marker)}`).toBe(1);
  writeFileSync(file, text.replace(marker, replacement));
}

function resultsIn(dir: string): ResultsFile[] {
  const entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  return entries.filter((f) => f.endsWith('.json')).map((f) => readResultsFile(join(dir, f)));
}

describe('extending the benchmark', () => {
  const copy = tempDir('poolbench-extend-');
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('runs a new adapter and a new workload kind from one file and one line each', { timeout: 120_000 }, () => {
    for (const dir of ['core', 'scenarios', 'impls', 'harness', 'scripts']) {
      // The home pool is a package of its own, reached through node_modules like every other library.
      cpSync(join(projectRoot, dir), join(copy, dir), { recursive: true, filter: (src) => relative(join(projectRoot, 'impls', 'home'), src).startsWith('..') });
    }
    for (const file of ['tsconfig.json', 'tsconfig.check.json', 'package.json']) cpSync(join(projectRoot, file), join(copy, file));
    symlinkSync(join(projectRoot, 'node_modules'), join(copy, 'node_modules'), 'dir');

    writeFileSync(join(copy, 'impls', 'tiny-limit.ts'), THROWAWAY_ADAPTER);
    edit(join(copy, 'impls', 'registry.ts'), 'const entries = {\n', `const entries = {\n${REGISTRY_LINE}`);
    writeFileSync(join(copy, 'scenarios', 'workloads', 'tick.ts'), THROWAWAY_KIND);
    edit(join(copy, 'scenarios', 'workloads', 'index.ts'), 'export const workloadKinds = [\n', "import { tick } from './tick.js';\n\nexport const workloadKinds = [\n  tick,\n");
    writeFileSync(join(copy, 'scenarios', 'tick.json'), JSON.stringify(TICK_SCENARIO, null, 2));

    const run = (args: string[]): string => {
      try {
        return execFileSync(process.execPath, args, { cwd: copy, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        throw new Error(`${args.slice(0, 2).join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
      }
    };
    run([join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);

    // Planned from declarations alone: the new row can run the new scenario, the CPU-bound one it cannot.
    const listing = run(['dist/scripts/bench.js', '--list']);
    expect(listing).toMatch(/tiny-limit\s+in-thread\s+throwaway limiter/);
    expect(listing).toMatch(/^ {2}tick\s+throwaway: 400 tasks[^\n]*\n\s+runs on: [^\n]*tiny-limit/m);
    expect(listing).toMatch(/^ {2}cpu\s[^\n]*\n\s+runs on: /m);
    expect(listing).not.toMatch(/^ {2}cpu\s[^\n]*\n\s+runs on: [^\n]*tiny-limit/m);

    const results = join(copy, 'out');
    run(['dist/scripts/bench.js', '--scenario', 'smoke', '--impl', 'tiny-limit', '--results-dir', results]);
    // The new kind in the new row, an in-thread reference and a worker-thread pool (whose workers load the kind too).
    run(['dist/scripts/bench.js', '--scenario', 'tick', '--impl', 'tiny-limit', '--impl', 'semaphore', '--impl', 'piscina', '--results-dir', results]);

    const files = resultsIn(results);
    expect(files.map((f) => f.scenario.id).sort()).toEqual(['smoke', 'tick']);
    const rows = files.flatMap((f) => f.implementations.map((impl) => ({ scenario: f.scenario, impl })));
    expect(rows.map((r) => `${r.scenario.id}/${r.impl.name}`).sort()).toEqual(['smoke/tiny-limit', 'tick/piscina', 'tick/semaphore', 'tick/tiny-limit']);
    for (const { scenario, impl } of rows) {
      expect(impl.state, `${scenario.id}/${impl.name}: ${'reason' in impl ? impl.reason : ''}`).toBe('completed');
      if (impl.state !== 'completed') continue;
      expect(impl.runs).toHaveLength(scenario.runs);
      for (const record of impl.runs) {
        if (record.state !== 'measured') throw new Error(`${impl.name}: run not measured`);
        expect(record.sample.tally, `${scenario.id}/${impl.name}`).toMatchObject({
          tasks: scenario.tasks, completed: scenario.tasks, failed: 0, lost: 0, duplicated: 0, mismatched: 0,
        });
      }
    }
  });
});
