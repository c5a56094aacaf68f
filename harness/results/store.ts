// Results files on disk: atomic append-only writing, and reading through the schema's validator.
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { errors } from '../../core/errors.js';
import { validateResults, type ResultsFile } from './schema.js';




/** JSON has no Infinity: library options such as maxQueue: Infinity are written as the string "Infinity". */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
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

/** Writes results/<scenario>/<time>_<sha>.json via a temporary file and rename; never overwrites. */
export function writeResultsFile(rootDir: string, results: ResultsFile): string {
  const dir = join(rootDir, results.scenario.id);
  mkdirSync(dir, { recursive: true });
  let file = join(dir, resultsFileName(results));
  for (let n = 2; existsSync(file); n++) file = join(dir, resultsFileName(results).replace(/\.json$/, `_${n}.json`));
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(results, jsonReplacer, 1)}\n`);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  return file;
}

/** Reads and checks a results file; every problem names the file. */
export function readResultsFile(file: string): ResultsFile {
  const shown = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw errors.unreadableFile(shown, (error as NodeJS.ErrnoException).code ?? String(error));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw errors.malformedJson(shown, (error as Error).message);
  }
  return validateResults(json, shown);
}
