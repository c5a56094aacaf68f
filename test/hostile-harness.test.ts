// The harness under hostile input: unwritable results folders, racing writers, wrong-shaped files, broken pipes,
// flags that look like numbers, durations a timer cannot hold, a parent killed mid-run, and a gate that must tell
// "regressed" (1) from "could not run" (2, 3).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledFile, projectRoot } from '../core/paths.js';
import { validateScenario } from '../scenarios/schema.js';
import { readResultsFile, writeResultsFile, writeResultsSafely } from '../harness/results/store.js';
import type { ResultsFile } from '../harness/results/schema.js';
import { fixtureEnv, fixtureResults, completed } from './report-fixtures.js';
import { tempDir, validScenarioJson, writeScenarioFile } from './helpers.js';

const command = (name: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(projectRoot, 'dist', 'scripts', `${name}.js`), ...args], {
    encoding: 'utf8',
    env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
  });

function results(overrides: Partial<ResultsFile> = {}): ResultsFile {
  return { ...fixtureResults({ id: 'gate', createdAt: '2026-01-01T00:00:00.000Z', implementations: [completed('home-async', [100, 101, 99, 100, 102, 98])] }), ...overrides };
}

describe('results folder', () => {
  it('bench refuses a results folder that cannot be written before it measures anything', () => {
    const dir = tempDir();
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const started = Date.now();
    const r = command('bench', '--scenario', 'smoke', '--impl', 'semaphore', '--results-dir', join(blocker, 'results'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: --results-dir is ".*a-file\/results"; allowed: a folder that can be written \(writing a file there failed with (ENOTDIR|EEXIST)\)$/);
    expect(r.stderr).not.toMatch(/\[1\/\d+\]/); // no run started
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('saves the results to a temporary folder, and says so, when the write fails at the end', () => {
    const dir = tempDir();
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const { file, fallbackFrom } = writeResultsSafely(blocker, results());
    expect(fallbackFrom).toMatch(/a-file: (ENOTDIR|EEXIST)/);
    expect(readResultsFile(file).implementations[0]!.name).toBe('home-async');
  });

  it('never overwrites: two writes of the same results in the same millisecond make two files', () => {
    const dir = tempDir();
    const r = results();
    const first = writeResultsFile(dir, r);
    const second = writeResultsFile(dir, r);
    expect(second).not.toBe(first);
    expect(second).toMatch(/_2\.json$/);
    expect(readdirSync(join(dir, 'gate')).sort()).toEqual([first, second].map((f) => f.split('/').at(-1)).sort());
  });
});

describe('reading results files', () => {
  const dir = tempDir();
  const cases: [string, unknown, RegExp][] = [
    ['an empty object', {}, /schemaVersion is missing; allowed: 1/],
    ['no implementations', { ...results(), implementations: undefined }, /implementations is missing; allowed: an array/],
    ['a run without its wall time', {
      ...results(),
      implementations: [{ ...completed('x', [1]), runs: [{ runIndex: 0, state: 'measured', applied: {}, problems: [], sample: {} }] }],
    }, /implementations\[0\]\.runs\[0\]\.sample\.wallMs is missing; allowed: a number/],
    ['no environment', { ...results(), env: 'x' }, /env is "x"; allowed: an environment with cpuModel, cores and os/],
  ];
  it.each(cases)('table, gate and export name the file and field for %s', (_name, json, message) => {
    const file = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(json));
    for (const r of [command('table', file), command('export', file, '--format', 'json'), command('gate', '--candidate', file, '--baseline', file)]) {
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(new RegExp(`^error: .*bad-.*\\.json: ${message.source}`));
    }
  });
});

describe('command line', () => {
  it('a negative --runs gets the one-line error of --runs', () => {
    const r = command('bench', '--scenario', 'smoke', '--runs', '-1');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error: --runs is "-1"; allowed: an integer ≥ 1\n');
  });

  it('a reader that closes the pipe early ends the output quietly', () => {
    const dir = tempDir();
    const file = join(dir, 'r.json');
    writeFileSync(file, JSON.stringify(results()));
    const out = execFileSync('bash', ['-c', `node ${JSON.stringify(compiledFile('scripts', 'table.js'))} ${JSON.stringify(file)} --format json | head -c 1; echo " status=\${PIPESTATUS[0]}"`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toMatch(/^\{ status=0$|^\[ status=0$/m);
  });
});

describe('report', () => {
  it('--out naming a folder gets a one-line error that says what to give instead', () => {
    const dir = tempDir();
    const r = command('report', join(projectRoot, 'results', 'gate'), '--out', dir);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`error: --out is ${JSON.stringify(dir)}; allowed: a file path, not a folder (for example ${join(dir, 'report.html')})`);
  });
});

describe('scenario durations', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a sleep of 2^31 ms', { workload: { kind: 'sleep', ms: 2 ** 31 } }, /workload\.ms is 2147483648; allowed: a number > 0 and ≤ 2147483647/],
    ['a sleep of 3e9 ms', { workload: { kind: 'sleep', ms: 3e9 } }, /workload\.ms is 3000000000;/],
    ['a time limit of 3e6 s', { timeLimitSeconds: 3e6 }, /timeLimitSeconds is 3000000; allowed: a number > 0 and ≤ 2147483 /],
    ['bursts every 2^31 ms', { producer: { style: 'bursts', size: 10, everyMs: 2 ** 31 } }, /producer\.everyMs is 2147483648;/],
  ];
  it.each(cases)('rejects %s: a timer would clamp it to 1 ms', (_name, overrides, message) => {
    expect(() => validateScenario(validScenarioJson(overrides), 'tiny.json')).toThrow(message);
  });
});

describe('gate', () => {
  const dir = tempDir();
  const write = (name: string, r: ResultsFile) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(r));
    return file;
  };
  const base = write('base.json', results());

  it('refuses results from other hardware unless forced', () => {
    const other = write('other-hw.json', results({ env: fixtureEnv({ cpuModel: 'Another CPU', cores: 64 }) }));
    const r = command('gate', '--baseline', base, '--candidate', other);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      'error: the baseline and candidate differ in hardware: baseline on Fixture CPU, 4 cores, 16 GiB, Node 20, candidate on Another CPU, 64 cores, 16 GiB, Node 20; allowed: results from the same hardware (or --force to compare anyway)',
    );
    expect(command('gate', '--baseline', base, '--candidate', other, '--force', '--metric', 'wallMs').status).toBe(0);
  });

  it('treats a different kernel build on the same hardware as the same machine', () => {
    const kernel = write('kernel.json', results({ env: fixtureEnv({ os: 'Linux 6.1.0-99-cloud' }) }));
    expect(command('gate', '--baseline', base, '--candidate', kernel, '--metric', 'wallMs').status).toBe(0);
  });

  it('refuses results from another definition of the scenario unless forced', () => {
    const bigger = results();
    const other = write('other-def.json', { ...bigger, scenario: { ...bigger.scenario, tasks: bigger.scenario.tasks * 2 } });
    const r = command('gate', '--baseline', base, '--candidate', other);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/differ in scenario definition: scenario "gate" differs between the two files/);
    expect(command('gate', '--baseline', base, '--candidate', other, '--force', '--metric', 'wallMs').status).toBe(0);
  });

  it('exits 3, not 1, when the gate itself fails', () => {
    const script = `import { runCli } from ${JSON.stringify(pathToFileURL(compiledFile('harness', 'cli', 'run-cli.js')).href)};
await runCli(() => { throw new Error('boom'); }, { failureExitCode: 3 });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/Error: boom/);
    expect(readFileSync(compiledFile('scripts', 'gate.js'), 'utf8')).toMatch(/failureExitCode: 3/);
  });
});

describe('a measured child', () => {
  it('exits at once when its parent is SIGKILLed mid-run', async () => {
    const dir = tempDir();
    const scenario = writeScenarioFile(dir, validScenarioJson({ workload: { kind: 'sleep', ms: 50 }, tasks: 100_000, concurrency: 4, producer: { style: 'window', outstanding: 16 }, timeLimitSeconds: 600 }));
    const parent = spawn(process.execPath, [compiledFile('scripts', 'bench.js'), '--scenario', scenario, '--impl', 'semaphore', '--results-dir', dir], {
      stdio: 'ignore',
    });
    // Wait for the measured child to exist, then kill its parent without warning.
    let child = '';
    for (let i = 0; i < 100 && !child; i++) {
      await new Promise((r) => setTimeout(r, 100));
      child = spawnSync('pgrep', ['-P', String(parent.pid)], { encoding: 'utf8' }).stdout.trim();
    }
    expect(child).toMatch(/^\d+$/);
    parent.kill('SIGKILL');
    let alive = true;
    for (let i = 0; i < 30 && alive; i++) {
      await new Promise((r) => setTimeout(r, 100));
      alive = existsSync(`/proc/${child}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${child}/status`, 'utf8'));
    }
    expect(alive).toBe(false);
  });
});
