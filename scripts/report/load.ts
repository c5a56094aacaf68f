// Finds and reads the results files a report is built from. A bad file becomes a warning that names it, never a crash,
// so one truncated file cannot hide every other result.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { errors, InputError } from '../errors.js';
import { readResultsFile, type ResultsFile } from '../results.js';

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

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const STATES = ['completed', 'errored', 'skipped'];

/**
 * readResultsFile checks the envelope; this checks the fields the report draws from, so a hand-edited file fails here
 * with its name instead of deep inside a chart.
 */
function checkReportable(shown: string, results: ResultsFile): void {
  const r = results as unknown as Obj;
  if (typeof r.createdAt !== 'string' || Number.isNaN(Date.parse(r.createdAt))) {
    throw errors.invalidField(shown, 'createdAt', r.createdAt, 'an ISO date');
  }
  const scenario = r.scenario;
  if (!isObject(scenario) || typeof scenario.id !== 'string' || typeof scenario.tasks !== 'number') {
    throw errors.invalidField(shown, 'scenario', scenario, 'a scenario with an id and tasks');
  }
  const env = r.env;
  if (!isObject(env) || typeof env.cpuModel !== 'string' || typeof env.cores !== 'number' || typeof env.os !== 'string') {
    throw errors.invalidField(shown, 'env', env, 'an environment with cpuModel, cores and os');
  }
  results.implementations.forEach((impl: unknown, i) => {
    const path = `implementations[${i}]`;
    if (!isObject(impl) || typeof impl.name !== 'string') throw errors.invalidField(shown, `${path}.name`, isObject(impl) ? impl.name : impl, 'a string');
    if (!STATES.includes(impl.state as string)) throw errors.invalidField(shown, `${path}.state`, impl.state, STATES.join(' | '));
    if (impl.state !== 'skipped' && !Array.isArray(impl.runs)) throw errors.invalidField(shown, `${path}.runs`, impl.runs, 'an array');
    if (impl.state === 'completed' || impl.summary !== undefined) {
      for (const field of ['wallMs', 'heapPeakBytes', 'maxRssBytes', 'cpuCores'] as const) {
        const summary = isObject(impl.summary) ? impl.summary[field] : undefined;
        const bad = (['median', 'min', 'max'] as const).find((k) => !isObject(summary) || typeof summary[k] !== 'number');
        if (bad) throw errors.invalidField(shown, `${path}.summary.${field}.${bad}`, isObject(summary) ? summary[bad] : summary, 'a number');
      }
    }
    if (Array.isArray(impl.runs)) {
      impl.runs.forEach((run: unknown, r) => {
        if (!isObject(run) || run.state !== 'measured') return;
        const wall = isObject(run.sample) ? run.sample.wallMs : undefined;
        if (typeof wall !== 'number') throw errors.invalidField(shown, `${path}.runs[${r}].sample.wallMs`, wall, 'a number');
      });
    }
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
      checkReportable(shownName(file), results);
      loaded.push({ file: shownName(file), results });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      warnings.push(`${error.message}; file skipped`);
    }
  }
  return { loaded, warnings };
}
