// A/B in one job: check the baseline ref out into a temporary git worktree, install and build it there, then run
// baseline and candidate children interleaved on this machine (B A, A B, … per run), so drift in the machine hits
// both sides alike. The worktree is removed afterwards, also when something fails.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../../scenarios/schema.js';
import { registry, isImplementationName } from '../../impls/registry.js';
import { errors } from '../../core/errors.js';
import { projectRoot } from '../../core/paths.js';
import { runBench, type Contender } from '../run/runner.js';
import type { ResultsFile } from '../results/schema.js';
import { analyze } from '../stats/analysis.js';

/** Where a checkout's measured-child entry lives, newest layout first. */
const CHILD_ENTRIES = [
  ['harness', 'run', 'child-main.js'],
  ['scripts', 'run-one.js'],
] as const;

export interface AbOptions {
  /** Also count instructions per task on each side (for the instructionsPerTask metric). */
  instructions?: boolean;
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
    // The checkout's own build script: the layout (and what must be built first) differs between commits.
    execFileSync('pnpm', ['run', '--silent', 'build'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    // The child entry moved with the layering change; older baselines keep theirs under scripts/.
    const entries = CHILD_ENTRIES.map((segments) => join(dir, 'dist', ...segments));
    const baselineScript = entries.find((file) => existsSync(file));
    if (!baselineScript) throw new Error(`the baseline ${options.ref} has none of ${entries.join(', ')}: it predates A/B support`);

    // Both sides go through the runner's own loop: one contender per side and implementation, its order rotated
    // each run, so baseline and candidate alternate (B A, A B, …) and machine drift hits both alike.
    const contenders: Contender[] = options.implementations.flatMap((name) => {
      const adapter = registry[name as keyof typeof registry];
      return [
        { adapter, key: `${name} (baseline)`, childScript: baselineScript },
        { adapter, key: `${name} (candidate)` },
      ];
    });
    const both = await runBench({
      scenario: options.scenario,
      contenders,
      runs: options.runs,
      ...(options.instructions ? { instructions: true } : {}),
      onProgress: (event) => {
        if (event.type === 'end') log(`run ${event.run}/${event.runs} ${event.name}: ${event.ok ? event.detail : `FAILED: ${event.detail}`}`);
        if (event.type === 'skipped') log(`${event.name}: skipped: ${event.reason}`);
      },
    });
    // The runner lists results in contender order: baseline and candidate of each implementation, in turn.
    const side = (parity: 0 | 1): ResultsFile => {
      const { analysis: _combined, ...rest } = both;
      const file: ResultsFile = {
        ...rest,
        env: parity === 0 ? { ...both.env, gitSha: sha, gitDirty: false } : both.env,
        implementations: both.implementations.filter((_, i) => i % 2 === parity),
      };
      return { ...file, analysis: analyze(file) };
    };
    return { baseline: side(0), candidate: side(1) };
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
