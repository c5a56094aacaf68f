// Small synthetic results files for the report tests: shaped exactly like pnpm bench writes them, with known numbers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarize } from '../harness/stats/stats.js';
import { tinyScenario } from './helpers.js';
import { type Environment, type RunSample, type ImplementationResult, type ResultsFile, type RunRecord } from '../harness/results/schema.js';

const MB = 1024 * 1024;

export function fixtureEnv(overrides: Partial<Environment> = {}): Environment {
  return {
    node: 'v20.20.2', v8: '11.3', os: 'Linux 6.1', arch: 'x64', cpuModel: 'Fixture CPU', cores: 4, availableParallelism: 4,
    totalMemoryBytes: 16 * 1024 ** 3, gitSha: 'aaaaaaa0000000000000000000000000000000000', gitDirty: false,
    libraries: { fastq: '1.20.3', 'p-limit': '7.3.3' }, childHeapLimitMB: 8192, ci: false,
    ...overrides,
  };
}

export function sample(wallMs: number, heapMB: number, extra: Record<string, unknown> = {}): RunSample {
  const points = 30;
  const timeline = Array.from({ length: points }, (_, i) => ({
    t: Math.round((wallMs * i) / (points - 1)),
    heapUsed: Math.round(((heapMB * (i + 1)) / points) * MB),
    rss: Math.round((heapMB + 40) * MB),
  }));
  return {
    wallMs, setupMs: 5, warmupMs: 20, teardownMs: 3, heapBaselineBytes: 4 * MB, heapPeakBytes: heapMB * MB,
    rssPeakBytes: (heapMB + 40) * MB, maxRssBytes: (heapMB + 50) * MB, gcCount: 3, gcPauseMs: 2, cpuUserMs: wallMs / 2,
    cpuSystemMs: wallMs / 10, cpuCores: 0.6,
    tally: { tasks: 1000, completed: 1000, failed: 0, duplicated: 0, mismatched: 0, lost: 0, peakRunning: 10, wallMs },
    timeline,
    ...extra,
  } as RunSample;
}

const applied = { concurrency: 10, threads: 0, options: {} };

export function completed(name: string, wallMs: number[], heapMB = 20, extra: Record<string, unknown> = {}): ImplementationResult {
  const samples = wallMs.map((ms, i) => sample(ms, heapMB + i, extra));
  const runs: RunRecord[] = samples.map((s, runIndex) => ({ runIndex, state: 'measured', applied, sample: s, problems: [] }));
  return {
    name, version: '1.0.0', kind: 'in-thread', state: 'completed', applied, runs,
    summary: {
      wallMs: summarize(samples.map((s) => s.wallMs)),
      heapPeakBytes: summarize(samples.map((s) => s.heapPeakBytes)),
      maxRssBytes: summarize(samples.map((s) => s.maxRssBytes)),
      cpuCores: summarize(samples.map((s) => s.cpuCores)),
    },
  };
}

export function skipped(name: string, reason: string): ImplementationResult {
  return { name, version: '2.0.0', kind: 'worker-threads', state: 'skipped', reason };
}

export function errored(name: string, reason: string): ImplementationResult {
  return {
    name, version: null, kind: 'reference', state: 'errored', reason,
    runs: [{ runIndex: 0, state: 'failed', reason: 'setup failed', elapsedMs: 12 }],
  };
}

export interface FixtureOptions {
  id: string;
  createdAt: string;
  sha?: string;
  env?: Partial<Environment>;
  concurrency?: number;
  threads?: number;
  ideal?: boolean;
  implementations: ImplementationResult[];
}

export function fixtureResults(o: FixtureOptions): ResultsFile {
  const scenario = tinyScenario({
    id: o.id, description: `${o.id} fixture scenario`, tasks: 1000, concurrency: o.concurrency ?? 10, threads: o.threads ?? 2,
    workload: o.ideal === false ? { kind: 'noop' } : { kind: 'sleep', ms: 10 },
  });
  return {
    schemaVersion: 1, createdAt: o.createdAt, scenario, runsPerImplementation: 3,
    ideal: o.ideal === false ? null : { ms: 1000, basis: 'ceil(1000 / 10) × 10 ms' },
    env: fixtureEnv({ gitSha: `${o.sha ?? 'aaaaaaa'}000000000000000000000000000000000`, ...o.env }),
    implementations: o.implementations,
  };
}

/** The bound on the page of the committed results/ (issue 13): 10.9 MB with the full plotly.js, about 2.3 MB with the cartesian build. */
export const REPORT_SIZE_LIMIT = 3_000_000;

export const NASTY_REASON = 'setup failed: <img src=x onerror=alert(1)> & "quoted"';

/**
 * The browser test's set: scenario alpha twice (history), beta once (no ideal), one skipped and one errored
 * implementation. Each file is named the way writeResultsFile names it, under <dir>/<scenario>/.
 */
export function standardFixtures(): ResultsFile[] {
  const tail = () => [skipped('gamma', 'runs one task per worker'), errored('delta', NASTY_REASON)];
  return [
    fixtureResults({ id: 'alpha', createdAt: '2026-01-01T10:00:00.000Z', sha: 'aaaaaaa', implementations: [completed('fast', [1150, 1200, 1300]), completed('slow', [2100, 2200, 2300], 40), ...tail()] }),
    fixtureResults({ id: 'alpha', createdAt: '2026-01-02T10:00:00.000Z', sha: 'bbbbbbb', implementations: [completed('fast', [1100, 1150, 1250]), completed('slow', [1900, 2000, 2150], 42), ...tail()] }),
    fixtureResults({ id: 'beta', createdAt: '2026-01-02T11:00:00.000Z', sha: 'bbbbbbb', ideal: false, implementations: [completed('fast', [300, 310, 320]), completed('slow', [500, 520, 540]), ...tail()] }),
  ];
}

/** Writes each file to <dir>/<scenario id>/<n>.json and returns the paths. */
export function writeFixtures(dir: string, files: readonly ResultsFile[]): string[] {
  return files.map((results, n) => {
    mkdirSync(join(dir, results.scenario.id), { recursive: true });
    const file = join(dir, results.scenario.id, `${String(n).padStart(2, '0')}_${results.createdAt.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(results, null, 1));
    return file;
  });
}
