// A/B in one job: check the baseline ref out into a temporary git worktree, install and build it there, then run
// baseline and candidate children interleaved on this machine (B A, A B, … per run), so drift in the machine hits
// both sides alike. The worktree is removed afterwards, also when something fails.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../../scenarios/schema.js';
import { registry, isImplementationName } from '../../impls/registry.js';
import { runChild } from '../run/child.js';
import { captureEnvironment } from '../results/environment.js';
import { errors } from '../../core/errors.js';
import { projectRoot } from '../../core/paths.js';
import { DEFAULT_CHILD_HEAP_LIMIT_MB, assemble, resolveThreads, rotatedOrder, toRecord } from '../run/runner.js';
import { RESULTS_SCHEMA_VERSION, type ResultsFile, type RunRecord } from '../results/schema.js';
import { SAMPLING } from '../measure/measure.js';

/** Where a checkout's measured-child entry lives, newest layout first. */
const CHILD_ENTRIES = [
  ['harness', 'run', 'child-main.js'],
  ['scripts', 'run-one.js'],
] as const;

export interface AbOptions {
  ref: string;
  scenario: Scenario;
  implementations: readonly string[];
  runs: number;
  log?: (line: string) => void;
}

function git(args: string[], cwd = projectRoot): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export async function runAb(options: AbOptions): Promise<{ baseline: ResultsFile; candidate: ResultsFile }> {
  const log = options.log ?? (() => {});
  let sha: string;
  try {
    sha = git(['rev-parse', '--verify', `${options.ref}^{commit}`]);
  } catch {
    throw errors.invalidFlag('against', options.ref, 'a branch, tag or commit of this repository');
  }
  for (const name of options.implementations) {
    if (!isImplementationName(name)) throw errors.unknownImplementation(name, Object.keys(registry));
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'poolbench-ab-'));
  try {
    log(`baseline ${options.ref} (${sha.slice(0, 7)}): checking out into ${dir}`);
    git(['worktree', 'add', '--detach', dir, sha]);
    log('baseline: installing and building');
    execFileSync('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('pnpm', ['exec', 'tsc', '-p', 'tsconfig.json'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    // The child entry moved with the layering change; older baselines keep theirs under scripts/.
    const entries = CHILD_ENTRIES.map((segments) => join(dir, 'dist', ...segments));
    const baselineScript = entries.find((file) => existsSync(file));
    if (!baselineScript) throw new Error(`the baseline ${options.ref} has none of ${entries.join(', ')}: it predates A/B support`);

    const { scenario, runs } = options;
    const threads = resolveThreads(scenario);
    const plan = { scenario, threads };
    const sides = { baseline: new Map<string, RunRecord[]>(), candidate: new Map<string, RunRecord[]>() };
    for (const name of options.implementations) {
      sides.baseline.set(name, []);
      sides.candidate.set(name, []);
    }
    for (let run = 0; run < runs; run++) {
      for (const name of rotatedOrder(options.implementations, run)) {
        const order = run % 2 === 0 ? (['baseline', 'candidate'] as const) : (['candidate', 'baseline'] as const);
        for (const side of order) {
          const script = side === 'baseline' ? baselineScript : undefined;
          const { reply, elapsedMs } = await runChild(
            { scenario, implementation: name, threads },
            scenario.timeLimitSeconds,
            DEFAULT_CHILD_HEAP_LIMIT_MB,
            undefined,
            script,
          );
          const record = toRecord(reply, elapsedMs, plan, run);
          sides[side].get(name)!.push(record);
          log(`run ${run + 1}/${runs} ${name} ${side}: ${record.state === 'measured' ? `${(record.sample.wallMs / 1000).toFixed(3)} s` : record.reason}`);
        }
      }
    }
    const env = captureEnvironment([], DEFAULT_CHILD_HEAP_LIMIT_MB);
    const file = (side: 'baseline' | 'candidate'): ResultsFile => ({
      schemaVersion: RESULTS_SCHEMA_VERSION,
      createdAt: new Date().toISOString(),
      scenario,
      runsPerImplementation: runs,
      ideal: null,
      env: side === 'baseline' ? { ...env, gitSha: sha, gitDirty: false } : env,
      implementations: options.implementations.map((name) =>
        assemble({ adapter: registry[name as keyof typeof registry] }, sides[side].get(name)!),
      ),
      sampling: SAMPLING,
    });
    return { baseline: file('baseline'), candidate: file('candidate') };
  } finally {
    try {
      git(['worktree', 'remove', '--force', dir]);
    } catch {
      // Not registered (checkout failed) or already gone: the folder is removed below either way.
    }
    rmSync(dir, { recursive: true, force: true });
    git(['worktree', 'prune']);
  }
}
