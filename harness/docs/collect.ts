// Finds the committed results files that docs pages are generated from, grouped by scenario and sweep point.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pointLabel } from '../../scenarios/schema.js';
import { readResultsFile } from '../results/store.js';
import { type ResultsFile } from '../results/schema.js';

export interface ResultsEntry {
  /** Relative to the project root, with forward slashes: what pages print and link, the same on every machine. */
  path: string;
  results: ResultsFile;
}

/** Every results file of one scenario, or of one point of a sweep scenario, newest first. */
export interface ResultsSeries {
  /** The sweep point's label ("tasks=10000 producer=upfront"), or null for a scenario without a sweep. */
  point: string | null;
  entries: ResultsEntry[];
}

export interface ScenarioResults {
  id: string;
  series: ResultsSeries[];
}

/** Newest first by the time the file records (not the file system's), then by path so ties cannot reorder. */
function newestFirst(a: ResultsEntry, b: ResultsEntry): number {
  if (a.results.createdAt !== b.results.createdAt) return a.results.createdAt < b.results.createdAt ? 1 : -1;
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Reads results/<folder>/*.json, the layout `pnpm bench` writes. Deeper folders are not read on purpose: the gate's
 * committed baselines (results/baselines/<scenario>/) are inputs to `pnpm gate`, not published measurements.
 * A file that does not validate fails the whole generation, naming the file: a published page must not silently
 * fall back to an older file.
 */
export function collectResults(root: string): ScenarioResults[] {
  const resultsRoot = join(root, 'results');
  if (!existsSync(resultsRoot)) return [];
  const byScenario = new Map<string, Map<string | null, ResultsEntry[]>>();
  const folders = readdirSync(resultsRoot, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const folder of folders) {
    const files = readdirSync(join(resultsRoot, folder), { withFileTypes: true })
      .filter((f) => f.isFile() && f.name.endsWith('.json'))
      .map((f) => f.name)
      .sort();
    for (const name of files) {
      const path = `results/${folder}/${name}`;
      const results = readResultsFile(join(root, path));
      const point = results.scenario.point ? pointLabel(results.scenario.point) : null;
      const points = byScenario.get(results.scenario.id) ?? new Map<string | null, ResultsEntry[]>();
      byScenario.set(results.scenario.id, points);
      points.set(point, [...(points.get(point) ?? []), { path, results }]);
    }
  }
  return [...byScenario.keys()].sort().map((id) => ({
    id,
    series: [...byScenario.get(id)!.entries()].map(([point, entries]) => ({ point, entries: entries.sort(newestFirst) })),
  }));
}
