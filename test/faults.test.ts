// Every way a run can fail becomes a recorded result with a precise reason, and the other results of the same
// invocation survive intact.
import { describe, expect, it } from 'vitest';
import { registry } from '../impls/registry.js';
import type { PoolAdapter } from '../impls/types.js';
import { compiledFile } from '../core/paths.js';
import { runBench, type Contender } from '../harness/run/runner.js';
import * as fixtures from './fixtures/adapters.js';
import { tinyScenario } from './helpers.js';
import { type ImplementationResult } from '../harness/results/schema.js';

const fixtureModule = compiledFile('test', 'fixtures', 'adapters.js');
const fixture = (adapter: PoolAdapter): Contender => ({ adapter, module: fixtureModule });

function reasonOf(impl: ImplementationResult | undefined): string {
  expect(impl?.state).toBe('errored');
  return impl?.state === 'errored' ? impl.reason : '';
}

describe('faults in one invocation', () => {
  it('records each with its reason, and the healthy rows survive', async () => {
    const scenario = tinyScenario({ tasks: 300, timeLimitSeconds: 6, errorTolerance: 0.01 });
    const results = await runBench({
      scenario,
      runs: 1,
      childHeapLimitMB: 64,
      contenders: [
        { adapter: registry.semaphore },
        fixture(fixtures.failsFivePercent),
        fixture(fixtures.killedBySignal),
        fixture(fixtures.exhaustsHeap),
        fixture(fixtures.losesOne),
        fixture(fixtures.crashingWorker),
        { adapter: registry['home-async'] },
      ],
    });
    const by = Object.fromEntries(results.implementations.map((i) => [i.name, i]));
    for (const healthy of ['semaphore', 'home-async']) {
      const impl = by[healthy]!;
      expect(impl.state, healthy).toBe('completed');
      expect(impl.state === 'completed' && impl.runs[0]?.state === 'measured' && impl.runs[0].sample.tally.completed).toBe(300);
    }
    expect(reasonOf(by.failsFivePercent)).toMatch(
      /^1 of 1 runs failed; run 1: 15 of 300 tasks failed, above the scenario's errorTolerance of 1 % \(first: Error: task 7 failed on purpose\)/,
    );
    expect(reasonOf(by.killedBySignal)).toBe('1 of 1 runs failed; run 1: killed by SIGKILL');
    expect(reasonOf(by.exhaustsHeap)).toBe('1 of 1 runs failed; run 1: out of memory at the child heap limit of 64 MB');
    expect(reasonOf(by.losesOne)).toBe(
      '1 of 1 runs failed; run 1: the event loop went idle with 299 of 300 tasks settled in the run: 1 completion never came (lost)',
    );
    expect(reasonOf(by.crashingWorker)).toMatch(
      /^1 of 1 runs failed; run 1: \d+ of 300 tasks failed, above the scenario's errorTolerance of 1 % \(first: WorkerCrashError: worker crashed: exited with code 7\)/,
    );
  }, 120_000);

  it('accepts failures within the scenario\'s errorTolerance, and still records them', async () => {
    const results = await runBench({
      scenario: tinyScenario({ tasks: 300, errorTolerance: 0.1 }),
      runs: 1,
      contenders: [fixture(fixtures.failsFivePercent)],
    });
    const impl = results.implementations[0]!;
    expect(impl.state).toBe('completed');
    const run = impl.state === 'completed' ? impl.runs[0] : undefined;
    expect(run?.state === 'measured' && run.sample.tally).toMatchObject({ completed: 285, failed: 15, lost: 0 });
  }, 60_000);

  it('says so when a time limit is too small for the work', async () => {
    const results = await runBench({
      scenario: tinyScenario({ tasks: 100_000, workload: { kind: 'sleep', ms: 5 }, timeLimitSeconds: 1.5 }),
      runs: 1,
      contenders: [{ adapter: registry.semaphore }],
    });
    expect(reasonOf(results.implementations[0])).toMatch(
      /^1 of 1 runs failed; run 1: timed out after 1\.5 s \(the scenario's timeLimitSeconds\); by then \d+ of 100000 tasks had settled in the run$/,
    );
  }, 60_000);
});
