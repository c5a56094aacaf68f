// Which baseline a gate compares against, and whether the two sides may be compared at all.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from '../../core/errors.js';
import { readResultsFile } from '../results/store.js';
import { describeHardware, hardwareKey } from '../results/environment.js';
import type { ResultsFile } from '../results/schema.js';

/** A file, or the newest results file for `scenario` under a folder (results/<scenario>/…). */
export function resolveBaseline(path: string, scenario: string): ResultsFile {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw errors.missingBaseline(path, scenario);
  }
  if (stats.isFile()) {
    const file = readResultsFile(path);
    if (file.scenario.id !== scenario) {
      throw errors.invalidFlag('baseline', path, `results of scenario ${JSON.stringify(scenario)}, the candidate's (this file is ${JSON.stringify(file.scenario.id)})`);
    }
    return file;
  }
  const folder = readdirSync(path).includes(scenario) ? join(path, scenario) : path;
  const files = readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
  const candidates = files.map((f) => readResultsFile(join(folder, f))).filter((r) => r.scenario.id === scenario);
  const newest = candidates.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
  if (!newest) throw errors.missingBaseline(path, scenario);
  return newest;
}

/** Fields of a scenario that change what is measured; its description, run count and thresholds do not. */
const NOT_DEFINING = new Set(['description', 'runs', 'gateThresholds', 'timeLimitSeconds', 'notes']);

function definition(results: ResultsFile): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Record<string, unknown>)[k])]));
  };
  const scenario = Object.fromEntries(Object.entries(results.scenario).filter(([key]) => !NOT_DEFINING.has(key)));
  return JSON.stringify(sorted(scenario));
}

/**
 * Refuses a comparison that would measure the machine or the workload instead of the code: results from other
 * hardware, or from another definition of the scenario. `--force` skips this, on the caller's own judgement.
 */
export function checkComparable(baseline: ResultsFile, candidate: ResultsFile): void {
  if (hardwareKey(baseline.env) !== hardwareKey(candidate.env)) {
    throw errors.incomparable(
      'hardware',
      `baseline on ${describeHardware(baseline.env)}, candidate on ${describeHardware(candidate.env)}`,
    );
  }
  if (definition(baseline) !== definition(candidate)) {
    throw errors.incomparable('scenario definition', `scenario ${JSON.stringify(candidate.scenario.id)} differs between the two files (tasks, concurrency, workload, producer, warm-up or threads)`);
  }
}
