// Results files on disk: atomic append-only writing, and reading through the schema's validator.
import { linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errors } from '../../core/errors.js';
import { readJsonFile, shownPath } from '../../core/json-file.js';
import { trackTemporary, untrackTemporary } from '../../core/temp-files.js';
import { validateResults, type ResultsFile } from './schema.js';

/**
 * JSON has no Infinity: library options such as maxQueue: Infinity, and the open bound of an interval that too few
 * runs cannot close, are written as the strings "Infinity" / "-Infinity" and read back as numbers.
 */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

function jsonReviver(_key: string, value: unknown): unknown {
  return value === 'Infinity' ? Infinity : value === '-Infinity' ? -Infinity : value;
}

export function resultsFileName(results: ResultsFile): string {
  const stamp = results.createdAt.replace(/[:.]/g, '-');
  const sha = results.env.gitSha?.slice(0, 7) ?? 'nogit';
  // A sweep's points share the scenario's folder; the point's values keep their file names apart and readable.
  const point = results.scenario.point
    ? `_${Object.entries(results.scenario.point).map(([k, v]) => `${k.replace(/\W/g, '')}-${String(v).replace(/[^A-Za-z0-9.]+/g, '')}`).join('_')}`
    : '';
  return `${stamp}_${sha}${point}.json`;
}

/**
 * Writes results/<scenario>/<time>_<sha>.json through a temporary file; never overwrites. The final name is claimed
 * with a hard link, which fails if the name exists, so two writers in the same millisecond get _2, _3, … instead of
 * replacing each other (a check-then-rename would race).
 */
export function writeResultsFile(rootDir: string, results: ResultsFile): string {
  const dir = join(rootDir, results.scenario.id);
  mkdirSync(dir, { recursive: true });
  const name = resultsFileName(results);
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  trackTemporary(tmp);
  try {
    writeFileSync(tmp, `${JSON.stringify(results, jsonReplacer, 1)}\n`);
    for (let n = 1; ; n++) {
      const file = join(dir, n === 1 ? name : name.replace(/\.json$/, `_${n}.json`));
      try {
        linkSync(tmp, file);
        return file;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  } finally {
    rmSync(tmp, { force: true });
    untrackTemporary(tmp);
  }
}

/**
 * Fails before any measuring when results could not be written to `rootDir` (a file in the way, no permission, a
 * full disk), instead of after minutes of runs. Creates the folder if it is missing.
 */
export function checkWritableResultsDir(rootDir: string): void {
  const probe = join(rootDir, `.write-probe.${process.pid}`);
  try {
    mkdirSync(rootDir, { recursive: true });
    writeFileSync(probe, 'poolbench write probe\n');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw errors.invalidFlag('results-dir', rootDir, `a folder that can be written (writing a file there failed with ${code})`);
  }
  rmSync(probe, { force: true });
}

/**
 * Writes the results where asked, or, if that fails after all (the disk filled during the runs), to a fresh folder
 * under the system's temporary folder, so measured data is never lost. Says which happened.
 */
export function writeResultsSafely(rootDir: string, results: ResultsFile): { file: string; fallbackFrom?: string } {
  try {
    return { file: writeResultsFile(rootDir, results) };
  } catch (error) {
    const reason = `${rootDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
    const fallback = mkdtempSync(join(tmpdir(), 'poolbench-results-'));
    return { file: writeResultsFile(fallback, results), fallbackFrom: reason };
  }
}

/** Reads and checks a results file; every problem names the file. */
export function readResultsFile(file: string): ResultsFile {
  return validateResults(readJsonFile(file, jsonReviver), shownPath(file));
}
