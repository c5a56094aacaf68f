// Finds and reads the results files a report is built from. A bad file becomes a warning that names it, never a crash,
// so one truncated file cannot hide every other result.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { readResultsFile } from '../results/store.js';
import { type ResultsFile } from '../results/schema.js';

export interface LoadedResults {
  /** As given or found, for display. */
  file: string;
  results: ResultsFile;
}

export interface LoadOutcome {
  loaded: LoadedResults[];
  /** One line per skipped file, each naming it. */
  warnings: string[];
}

/** Every *.json under a folder, depth first, in name order (so reports are reproducible). */
function jsonFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...jsonFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith('.json')) found.push(path);
  }
  return found;
}

/** Folders expand to the results files inside; anything else is taken as a file (a missing one fails on read). */
export function findResultsFiles(inputs: readonly string[]): string[] {
  const files = inputs.flatMap((input) => {
    let isDir = false;
    try {
      isDir = statSync(input).isDirectory();
    } catch {
      // Missing: let readResultsFile name it.
    }
    return isDir ? jsonFilesUnder(input) : [input];
  });
  const seen = new Set<string>();
  return files.filter((file) => {
    const key = resolve(file);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Project-relative where that is shorter, so the page does not show this machine's absolute paths. */
function shownName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** Reads every file; the ones that fail are left out with a warning naming them. */
export function loadResults(inputs: readonly string[]): LoadOutcome {
  const loaded: LoadedResults[] = [];
  const warnings: string[] = [];
  for (const file of findResultsFiles(inputs)) {
    try {
      const results = readResultsFile(file);
      loaded.push({ file: shownName(file), results });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      warnings.push(`${error.message}; file skipped`);
    }
  }
  return { loaded, warnings };
}
