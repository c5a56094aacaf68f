// Settings as named rows: a variant is registry data (a name suffix and the options it applies), selected by name
// or with `name[*]`, run as its own row, and its options must show in what the adapter says it applied.
import { describe, expect, it } from 'vitest';
import { findImplementation, registry, selectImplementations, unappliedVariantOptions, variantNames } from '../impls/registry.js';
import { selectContenders } from '../harness/cli/bench-command.js';
import { runBench } from '../harness/run/runner.js';
import { tinyScenario } from './helpers.js';

describe('variant selection', () => {
  it('ships piscina without Atomics, a second poolifier strategy and the fastq promise API, opt-in', () => {
    expect(variantNames).toEqual(expect.arrayContaining(['fastq[api=promise]', 'home-async[api=submit]', 'piscina[atomics=disabled]', 'poolifier[workerChoiceStrategy=ROUND_ROBIN]']));
    expect(findImplementation('piscina[atomics=disabled]')?.variant?.options).toEqual({ atomics: 'disabled' });
  });

  it('selects every variant with [*], one by its name, and nothing for an unknown one', () => {
    expect(selectImplementations('piscina[*]').map((e) => e.name)).toEqual(['piscina', 'piscina[atomics=disabled]']);
    expect(selectImplementations('poolifier[workerChoiceStrategy=ROUND_ROBIN]').map((e) => e.name)).toEqual(['poolifier[workerChoiceStrategy=ROUND_ROBIN]']);
    expect(selectImplementations('piscina[atomics=sync]')).toEqual([]);
    expect(selectImplementations('nothing[*]')).toEqual([]);
  });

  it('keeps --impl order and drops repeats', async () => {
    const names = (await selectContenders(['fastq[*]', 'fastq', 'semaphore'])).map((c) => c.adapter.name);
    expect(names).toEqual(['fastq', 'fastq[api=promise]', 'semaphore']);
  });

  it('says which option was not applied', () => {
    const variant = { name: 'atomics=disabled', options: { atomics: 'disabled' }, summary: '' };
    expect(unappliedVariantOptions(variant, { atomics: 'disabled' })).toEqual([]);
    expect(unappliedVariantOptions(variant, { atomics: 'sync' })).toEqual(['atomics applied as "sync", the variant sets "disabled"']);
  });
});

describe('variant rows', () => {
  it('run as rows of their own and record the options they applied, beside the default rows', async () => {
    const contenders = await selectContenders(['piscina[*]', 'poolifier[*]', 'fastq[*]', 'home-async[*]']);
    const results = await runBench({ scenario: tinyScenario({ tasks: 200, workload: { kind: 'noop' } }), runs: 1, contenders });
    const applied = Object.fromEntries(results.implementations.map((impl) => {
      expect(impl.state, `${impl.name}: ${'reason' in impl ? impl.reason : ''}`).toBe('completed');
      return [impl.name, impl.state === 'completed' ? impl.applied.options : undefined];
    }));
    expect(applied['piscina']).toMatchObject({ atomics: 'sync' });
    expect(applied['piscina[atomics=disabled]']).toMatchObject({ atomics: 'disabled' });
    expect(applied['poolifier']).toMatchObject({ workerChoiceStrategy: 'LEAST_USED' });
    expect(applied['poolifier[workerChoiceStrategy=ROUND_ROBIN]']).toMatchObject({ workerChoiceStrategy: 'ROUND_ROBIN' });
    expect(applied['fastq']).toEqual({ concurrency: 4 });
    expect(applied['fastq[api=promise]']).toEqual({ concurrency: 4, api: 'promise' });
    expect(applied['home-async[api=submit]']).toMatchObject({ concurrency: 4, api: 'submit' });
    // The base rows keep the registry's own entries.
    expect(registry.piscina.variant).toBeUndefined();
  });
});
