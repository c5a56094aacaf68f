// The results file: its shape, atomic append-only writing, and checked reading.
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Scenario } from '../scenarios/schema.js';
import type { AdapterKind, Applied } from '../impls/types.js';
import type { Environment } from './environment.js';
import { errors } from './errors.js';
import type { RunSample } from './measure.js';
import type { Summary } from './stats.js';

export const RESULTS_SCHEMA_VERSION = 1;

export type RunRecord =
  | { runIndex: number; state: 'measured'; applied: Applied; sample: RunSample; problems: string[] }
  | { runIndex: number; state: 'failed'; reason: string; elapsedMs: number };

export interface ImplementationSummary {
  wallMs: Summary;
  heapPeakBytes: Summary;
  maxRssBytes: Summary;
  cpuCores: Summary;
}

interface ImplementationBase {
  name: string;
  version: string | null;
  kind: AdapterKind;
}

/** An implementation measured at fewer tasks than the scenario's, because the full count could not finish in time. */
export interface ScaledRun {
  tasks: number;
  fromTasks: number;
  reason: string;
  /** The ideal at the smaller task count: distance from ideal is measured against this one. */
  ideal: Ideal | null;
}

export type ImplementationResult =
  | (ImplementationBase & { state: 'completed'; applied: Applied; runs: RunRecord[]; summary: ImplementationSummary; scaled?: ScaledRun; notes?: string[] })
  | (ImplementationBase & {
      state: 'errored';
      reason: string;
      applied?: Applied;
      runs: RunRecord[];
      summary?: ImplementationSummary;
      scaled?: ScaledRun;
      notes?: string[];
    })
  | (ImplementationBase & { state: 'skipped'; reason: string });

export interface Ideal {
  ms: number;
  basis: string;
}

export interface ResultsFile {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  createdAt: string;
  scenario: Scenario;
  /** Measured runs requested per implementation (the scenario's, or --runs). */
  runsPerImplementation: number;
  ideal: Ideal | null;
  env: Environment;
  implementations: ImplementationResult[];
  /** Present when the invocation was interrupted: what was measured before it stopped, and why it stopped. */
  partial?: { reason: string };
}

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
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw errors.invalidField(shown, '(top level)', json, 'an object');
  }
  const obj = json as Record<string, unknown>;
  if (obj.schemaVersion !== RESULTS_SCHEMA_VERSION) {
    throw errors.unsupportedSchema(shown, obj.schemaVersion, RESULTS_SCHEMA_VERSION);
  }
  for (const field of ['createdAt', 'scenario', 'env', 'implementations'] as const) {
    if (obj[field] === undefined) throw errors.invalidField(shown, field, undefined, 'present, as written by pnpm bench');
  }
  if (!Array.isArray(obj.implementations)) {
    throw errors.invalidField(shown, 'implementations', obj.implementations, 'an array');
  }
  return json as ResultsFile;
}
