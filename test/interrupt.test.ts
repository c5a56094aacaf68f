// Interrupting `pnpm bench` keeps what was measured (written as a partial results file), and leaves no child
// process, worker or temporary file behind.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';
import { readResultsFile } from '../harness/results/store.js';
import { tempDir, validScenarioJson } from './helpers.js';

function measuredChildren(): number {
  try {
    return execFileSync('pgrep', ['-f', join(projectRoot, 'dist', 'harness', 'run', 'child-main.js')], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length;
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
}

describe.each(['SIGINT', 'SIGTERM'] as const)('pnpm bench interrupted by %s', (signal) => {
  it('writes the runs so far as partial results, kills its children, and exits 128 + signal', async () => {
    const dir = tempDir();
    const scenarioFile = join(dir, 'interrupt.json');
    writeFileSync(
      scenarioFile,
      JSON.stringify(validScenarioJson({ id: 'interrupt', tasks: 3000, workload: { kind: 'sleep', ms: 2 }, runs: 4 })),
    );
    const resultsDir = join(dir, 'results');
    const bench = spawn(
      process.execPath,
      [join(projectRoot, 'dist', 'scripts', 'bench.js'), '--scenario', scenarioFile, '--impl', 'semaphore', '--impl', 'home-threads', '--results-dir', resultsDir],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    bench.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => bench.once('exit', (code) => resolve(code)));
    // Interrupt during the third run, once two runs have been recorded.
    await new Promise<void>((resolve) => {
      bench.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
        if ((stderr.match(/\(child /g) ?? []).length === 2) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 200));
    bench.kill(signal);
    const code = await exited;

    expect(code).toBe(signal === 'SIGINT' ? 130 : 143);
    expect(stdout).toMatch(new RegExp(`^PARTIAL RESULTS: interrupted by ${signal} after [23] of 8 runs`));
    const files = readdirSync(join(resultsDir, 'interrupt'));
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const results = readResultsFile(join(resultsDir, 'interrupt', files.find((f) => f.endsWith('.json'))!));
    expect(results.partial?.reason).toMatch(new RegExp(`^interrupted by ${signal}`));
    const measured = results.implementations.flatMap((i) => (i.state === 'skipped' ? [] : i.runs));
    expect(measured.length).toBeGreaterThanOrEqual(2);
    expect(measured.every((r) => r.state === 'measured')).toBe(true); // the interrupted run is dropped, not failed
    expect(measuredChildren()).toBe(0);
  }, 60_000);
});

describe('pnpm bench interrupted twice', () => {
  it('still writes the partial results and the report whole, leaving no temporary file', async () => {
    const dir = tempDir();
    const scenarioFile = join(dir, 'twice.json');
    writeFileSync(scenarioFile, JSON.stringify(validScenarioJson({ id: 'twice', tasks: 3000, workload: { kind: 'sleep', ms: 2 }, runs: 4 })));
    const resultsDir = join(dir, 'results');
    const bench = spawn(process.execPath, [join(projectRoot, 'dist', 'scripts', 'bench.js'), '--scenario', scenarioFile, '--impl', 'semaphore', '--results-dir', resultsDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => bench.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      bench.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
        if (stderr.includes('(child ')) resolve();
      });
    });
    bench.kill('SIGINT');
    // The second once the first is being handled (two signals sent at once may reach the process as one).
    await new Promise<void>((resolve) => {
      const check = () => (stderr.includes('SIGINT: stopping') ? resolve() : setTimeout(check, 5));
      check();
    });
    bench.kill('SIGINT');
    expect(await exited).toBe(130);
    // The process may have finished writing before the second signal landed; either way nothing is half-written.
    const all = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(join(d, e.name)) : [e.name]));
    const files = all(resultsDir);
    expect(files.filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(files).toContain('report.html');
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
  }, 60_000);
});
