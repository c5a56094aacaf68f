// A history that grows: each main-branch run's results files are committed to a data branch (github-action-benchmark
// keeps its runs the same way), so the published page can show every run, not only the committed ones and the last.
// Works against any git remote; the tests use a local bare repository.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { errors } from '../../core/errors.js';
import { readResultsFile } from '../results/store.js';

export interface KeepOptions {
  /** A git remote URL or path (origin's URL in CI; a bare repository in tests). */
  remote: string;
  /** The data branch; created (orphan) on first use. */
  branch: string;
  /** The fresh results folder (results/<scenario>/<file>.json inside). */
  from: string;
  message: string;
}

function git(args: string[], cwd: string): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function jsonFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsonFilesUnder(join(dir, e.name)) : e.isFile() && e.name.endsWith('.json') ? [join(dir, e.name)] : [],
  );
}

/**
 * Adds every valid results file under `from` to the data branch, never replacing a file already there (results are
 * append-only), and pushes. Returns the paths added, relative to the branch's root.
 */
export function keepResults(options: KeepOptions): string[] {
  if (!existsSync(options.from) || !statSync(options.from).isDirectory()) {
    throw errors.invalidFlag('from', options.from, 'a folder of results files written by pnpm bench');
  }
  // Read (and so validate) every file before touching the branch: a bad file keeps nothing.
  const files = jsonFilesUnder(options.from).filter((file) => {
    readResultsFile(file);
    return true;
  });
  const work = mkdtempSync(join(tmpdir(), 'poolbench-history-'));
  try {
    git(['init', '--quiet'], work);
    git(['remote', 'add', 'origin', options.remote], work);
    let exists = true;
    try {
      git(['fetch', '--quiet', '--depth', '1', 'origin', options.branch], work);
    } catch {
      exists = false;
    }
    if (exists) git(['checkout', '--quiet', '-b', options.branch, 'FETCH_HEAD'], work);
    else git(['checkout', '--quiet', '--orphan', options.branch], work);
    const added: string[] = [];
    for (const file of files) {
      const path = join('results', relative(options.from, file));
      if (existsSync(join(work, path))) continue;
      cpSync(file, join(work, path));
      added.push(path);
    }
    if (added.length === 0) return [];
    git(['add', '--', ...added], work);
    git(['-c', 'user.name=poolbench', '-c', 'user.email=poolbench@localhost', 'commit', '--quiet', '-m', options.message], work);
    git(['push', '--quiet', 'origin', `HEAD:refs/heads/${options.branch}`], work);
    return added;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
