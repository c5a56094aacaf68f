// The instruction counter: cachegrind's output parsed, the counted scenario built, a real count under valgrind on a
// small deterministic fixture (no-op tasks through the semaphore reference), and a skip with a reason without it.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledFile } from '../core/paths.js';
import { countInstructions, countingScenario, findValgrind, readCachegrindTotal } from '../harness/measure/instructions.js';
import { tinyScenario } from './helpers.js';

const hasValgrind = 'path' in findValgrind();

describe('instruction counting', () => {
  it('reads the total from cachegrind output', () => {
    expect(readCachegrindTotal('desc: --cache-sim=no\ncmd: node x\nevents: Ir\nsummary: 845829636\n')).toBe(845829636);
    expect(() => readCachegrindTotal('events: Ir\n')).toThrow(/no summary line/);
  });

  it('counts the scenario shape with no-op tasks and a small warm-up', () => {
    const s = countingScenario(tinyScenario({ tasks: 200_000, warmup: { passes: 2, tasks: 20_000 } }), 12_000);
    expect(s).toMatchObject({ workload: { kind: 'noop' }, tasks: 12_000, warmup: { passes: 1, tasks: 2_000 }, concurrency: 4 });
  });

  it('skips with a reason when valgrind is not on PATH', () => {
    const script = `import { countInstructions } from ${JSON.stringify(pathToFileURL(compiledFile('harness', 'measure', 'instructions.js')).href)};
const r = await countInstructions({ scenario: {}, implementation: 'semaphore', threads: 1 });
process.stdout.write(JSON.stringify(r));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    expect(JSON.parse(r.stdout)).toMatchObject({ state: 'skipped', reason: expect.stringMatching(/^valgrind is not installed/) });
  });

  it.runIf(hasValgrind || process.env.CI)(
    'counts a stable, positive number of instructions per task under valgrind',
    async () => {
      const scenario = tinyScenario({ workload: { kind: 'noop' }, concurrency: 64, producer: { style: 'window', outstanding: 256 } });
      const count = await countInstructions({ scenario, implementation: 'semaphore', threads: 1, smallTasks: 2_000, largeTasks: 12_000 });
      expect(count.state).toBe('counted');
      if (count.state !== 'counted') return;
      expect(count.counts[1]!.instructions).toBeGreaterThan(count.counts[0]!.instructions);
      // A no-op task through a semaphore is a few hundred to a few thousand instructions: far from 0, far from a
      // count that still held start-up (hundreds of millions).
      expect(count.perTask).toBeGreaterThan(200);
      expect(count.perTask).toBeLessThan(20_000);
      expect(count.method).toMatch(/slope between 2000 and 12000 tasks/);
    },
    300_000,
  );
});
