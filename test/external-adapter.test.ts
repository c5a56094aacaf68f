// Bring your own pool: an adapter module from outside the repository (the shipped template, copied next to a
// package.json) runs like any registry row, and its results name the file and its package's version; a module of
// the wrong shape fails before any run with the file and the field.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';
import { adapterSource, loadExternalAdapter, validateExternalAdapter } from '../impls/external.js';
import { implementationNames } from '../impls/registry.js';
import { recordSources, selectContenders } from '../harness/cli/bench-command.js';
import { runBench } from '../harness/run/runner.js';
import { tempDir, tinyScenario } from './helpers.js';

const TEMPLATE = join(projectRoot, 'impls', 'template', 'my-adapter.js');

/** The template copied into a package outside the repository, as a user would start. */
function userPackage(): string {
  const dir = tempDir('poolbench-pool-');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'my-pool', version: '1.2.3', type: 'module' }));
  mkdirSync(join(dir, 'bench'));
  copyFileSync(TEMPLATE, join(dir, 'bench', 'my-adapter.js'));
  return join(dir, 'bench', 'my-adapter.js');
}

const GOOD = {
  name: 'mine', kind: 'in-thread', summary: 'one line',
  capabilities: { runsOn: 'main-thread', concurrency: 'limit', dynamicThreads: null, taskMessages: 'ids only', sharedMemory: true, retry: 'none' },
  setup: async () => ({}),
};

describe('an external adapter file', () => {
  it('runs through the measured child with exactly-once checks, and records its path and package version', async () => {
    const file = userPackage();
    const contenders = await selectContenders([file, 'semaphore']);
    expect(contenders.map((c) => c.adapter.name)).toEqual(['my-limiter', 'semaphore']);
    expect(contenders[0]!.module).toBe(file);
    const results = recordSources(await runBench({ scenario: tinyScenario({ tasks: 300 }), runs: 1, contenders }), contenders);
    const mine = results.implementations[0]!;
    expect(mine).toMatchObject({ name: 'my-limiter', state: 'completed', version: '1.2.3', source: { path: file, packageName: 'my-pool', version: '1.2.3' } });
    if (mine.state === 'completed') {
      const run = mine.runs[0]!;
      expect(run.state === 'measured' && run.problems).toEqual([]);
      if (run.state === 'measured') expect(run.sample.tally).toMatchObject({ completed: 300, lost: 0, duplicated: 0, mismatched: 0 });
    }
    expect(results.env.libraries['my-pool']).toBe('1.2.3');
  });

  it('finds no version where no package.json has one', () => {
    const dir = tempDir('poolbench-bare-');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true }));
    expect(adapterSource(join(dir, 'a.js'))).toEqual({ path: join(dir, 'a.js'), packageName: null, version: null });
  });
});

describe('bad adapter shapes name the file and the field', () => {
  const shape = (overrides: Record<string, unknown>): unknown => ({ ...GOOD, ...overrides });
  const check = (value: unknown) => () => validateExternalAdapter(value, '/x/my.js', implementationNames);

  it('accepts the documented shape', () => {
    expect(validateExternalAdapter(GOOD, '/x/my.js').name).toBe('mine');
  });
  it.each([
    [null, '/x/my.js: adapter default export is null; allowed: an object with name, kind, summary, packageName, capabilities, setup'],
    [shape({ name: 'My Pool' }), '/x/my.js: adapter name is "My Pool"; allowed: lowercase letters'],
    [shape({ name: 'piscina' }), '/x/my.js: adapter name is "piscina"; allowed: a name no registry implementation has'],
    [shape({ kind: 'gpu' }), '/x/my.js: adapter kind is "gpu"; allowed: in-thread | worker-threads | reference | distributed'],
    [shape({ summary: '' }), '/x/my.js: adapter summary is ""'],
    [shape({ setup: 'run' }), '/x/my.js: adapter setup is "run"; allowed: an async function setup(plan, harness)'],
    [shape({ capabilities: undefined }), '/x/my.js: adapter capabilities is missing'],
    [shape({ capabilities: { ...GOOD.capabilities, runsOn: 'gpu' } }), '/x/my.js: adapter capabilities.runsOn is "gpu"; allowed: "main-thread" | "worker-threads" | "processes"'],
    [shape({ capabilities: { ...GOOD.capabilities, retry: false } }), '/x/my.js: adapter capabilities.retry is false; allowed: true, or the reason it cannot'],
    [shape({ capabilities: { ...GOOD.capabilities, gpu: true } }), '/x/my.js: adapter field capabilities.gpu is not a known field'],
    [shape({ extra: 1 }), '/x/my.js: adapter field extra is not a known field; allowed fields: name, kind, summary, packageName, capabilities, setup'],
  ])('rejects bad shape %#', (value, message) => {
    expect(check(value)).toThrow(message);
  });

  it('a missing file, a module that throws at import, a module without a default export', async () => {
    const dir = tempDir('poolbench-bad-');
    writeFileSync(join(dir, 'throws.js'), "throw new Error('no license key');");
    writeFileSync(join(dir, 'named.js'), 'export const adapter = {};');
    await expect(loadExternalAdapter(join(dir, 'gone.js'))).rejects.toThrow(`--impl ${JSON.stringify(join(dir, 'gone.js'))}: no such file`);
    await expect(loadExternalAdapter(join(dir, 'throws.js'))).rejects.toThrow(`${join(dir, 'throws.js')}: the adapter module threw while being imported (no license key)`);
    await expect(loadExternalAdapter(join(dir, 'named.js'))).rejects.toThrow(`${join(dir, 'named.js')}: adapter default export is missing`);
    await expect(selectContenders(['no-such-pool'])).rejects.toThrow(/unknown implementation "no-such-pool"; allowed: .*piscina\[atomics=disabled\].*<name>\[\*\], \.\/path\/to\/adapter\.js/);
  });
});
