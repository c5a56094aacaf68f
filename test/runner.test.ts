import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../impls/registry.js';
import type { PoolAdapter } from '../impls/types.js';
import { compiledFile } from '../core/paths.js';
import { readResultsFile, writeResultsFile } from '../harness/results/store.js';
import { rotatedOrder, runBench, type Contender } from '../harness/run/runner.js';
import * as fixtures from './fixtures/adapters.js';
import { tempDir, tinyScenario } from './helpers.js';
import { type ResultsFile } from '../harness/results/schema.js';

const fixtureModule = compiledFile('test', 'fixtures', 'adapters.js');
const fixture = (adapter: PoolAdapter): Contender => ({ adapter, module: fixtureModule });

describe('rotatedOrder', () => {
  it('starts each run at the next implementation', () => {
    expect(rotatedOrder(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotatedOrder(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotatedOrder(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
  });
});

describe('runBench with misbehaving adapters', () => {
  const scenario = tinyScenario({ tasks: 300, timeLimitSeconds: 8 });
  let results: ResultsFile;

  it('records each failure with its reason while the good results survive', async () => {
    results = await runBench({
      scenario,
      runs: 2,
      contenders: [
        { adapter: registry.semaphore },
        fixture(fixtures.setupThrows),
        fixture(fixtures.exitsMidRun),
        fixture(fixtures.duplicatesOne),
        fixture(fixtures.misreportsConcurrency),
        fixture(fixtures.hangs),
        { adapter: registry.fastq },
      ],
    });
    const byName = Object.fromEntries(results.implementations.map((i) => [i.name, i]));
    for (const good of ['semaphore', 'fastq']) {
      const impl = byName[good]!;
      expect(impl.state, good).toBe('completed');
      if (impl.state === 'completed') {
        expect(impl.runs).toHaveLength(2);
        expect(impl.summary.wallMs.n).toBe(2);
        expect(impl.runs.every((r) => r.state === 'measured' && r.sample.tally.completed === 300)).toBe(true);
      }
    }
    const reason = (name: string) => {
      const impl = byName[name]!;
      expect(impl.state, name).toBe('errored');
      return impl.state === 'errored' ? impl.reason : '';
    };
    expect(reason('setupThrows')).toBe('2 of 2 runs failed; run 1: setup failed: fixture setup exploded');
    expect(reason('exitsMidRun')).toBe('2 of 2 runs failed; run 1: exited with code 3 before replying');
    expect(reason('duplicatesOne')).toBe(
      '2 of 2 runs failed; run 1: 1 of 300 tasks were lost (never completed); 1 completions were duplicated; ' +
        '1 of 20 in warm-up tasks were lost (never completed); 1 completions in warm-up were duplicated',
    );
    // It claims 5 and, having no limiter at all, runs the producer's whole window of 16.
    expect(reason('misreportsConcurrency')).toBe(
      "2 of 2 runs failed; run 1: applied concurrency 5 differs from the scenario's 4; 16 tasks ran at once, above the applied limit 5",
    );
    expect(reason('hangs')).toBe(
      "2 of 2 runs failed; run 1: timed out after 8 s (the scenario's timeLimitSeconds); by then 0 of 20 tasks had settled in the warm-up",
    );
  }, 120_000);

  it('writes a results file that reads back identical', () => {
    const dir = tempDir();
    const file = writeResultsFile(dir, results);
    expect(file.startsWith(join(dir, scenario.id))).toBe(true);
    expect(readdirSync(join(dir, scenario.id))).toEqual([file.split('/').pop()]);
    const back = readResultsFile(file);
    // Infinity (an open interval bound, a library option) survives the trip: written as "Infinity", read as a number.
    expect(back).toEqual(results);
    expect(back.env.node).toBe(process.version);
    expect(back.env.libraries.fastq).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('never overwrites: a second write of the same results gets a new name', () => {
    const dir = tempDir();
    const first = writeResultsFile(dir, results);
    const second = writeResultsFile(dir, results);
    expect(second).not.toBe(first);
    expect(readdirSync(join(dir, scenario.id))).toHaveLength(2);
  });
});

describe('readResultsFile', () => {
  it('names the file when its schemaVersion is unknown', () => {
    const file = join(tempDir(), 'future.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 99 }));
    expect(() => readResultsFile(file)).toThrow(/future\.json: schemaVersion is 99; allowed: 1/);
  });

  it('names the file when it is truncated', () => {
    const file = join(tempDir(), 'cut.json');
    writeFileSync(file, '{"schemaVersion": 1, "scen');
    expect(() => readResultsFile(file)).toThrow(/cut\.json: malformed JSON/);
  });
});
