// `pnpm bench`: the CLI. Parses flags, runs the benchmark through fresh child processes, writes the results file,
// prints the table and refreshes the HTML report. Progress goes to stderr; the table (or JSON) to stdout.
import { join } from 'node:path';
import {
  capabilityTable, defaultImplementationNames, registry, implementationNames, selectImplementations, variantNames, variantRegistry,
} from '../../impls/registry.js';
import { loadExternalAdapter } from '../../impls/external.js';
import type { AdapterInfo } from '../../impls/types.js';
import { CAPABILITY_LABELS, canRun, type CapabilityRow } from '../../impls/capabilities.js';
import { checkScenarioModules, listScenarioIds, loadScenario } from '../../scenarios/load.js';
import { parseBenchArgs, USAGE, type BenchArgs } from './bench-args.js';
import { removeTrackedTemporaries } from '../../core/temp-files.js';
import { errors } from '../../core/errors.js';
import { isReadableFormat, render } from '../output/format.js';
import { resultsDir as defaultResultsDir } from '../../core/paths.js';
import { checkWritableResultsDir, writeResultsSafely } from '../results/store.js';
import { renderSweepGrid } from '../output/sweep-grid.js';
import { pointLabel, type Scenario } from '../../scenarios/schema.js';
import { writeReport } from '../report/write.js';
import { resolveThreads, runBench, type Adaptive, type Contender, type ProgressEvent } from '../run/runner.js';
import { type ResultsFile } from '../results/schema.js';
import { resolveRuntimes, underRuntimes } from '../runtimes/expand.js';

/** Which implementations can run a scenario; for a sweep, at how many of its points. */
function ableToRun(scenario: Scenario, points: Scenario[] | undefined): string[] {
  const grid = points ?? [scenario];
  return implementationNames.flatMap((n) => {
    const able = grid.filter((s) => canRun(registry[n], { scenario: s, threads: resolveThreads(s) }) === true).length;
    if (able === 0) return [];
    return [able === grid.length ? n : `${n} (${able} of ${grid.length} points)`];
  });
}

/** One implementation's capabilities on a line: "tasks run on: main-thread · … · retries: no". */
function capabilityLine(row: CapabilityRow): string {
  return (Object.keys(CAPABILITY_LABELS) as Array<keyof typeof CAPABILITY_LABELS>)
    .filter((column) => !(column === 'requires' && row.cells.requires.value === 'nothing'))
    .map((column) => `${CAPABILITY_LABELS[column]}: ${row.cells[column].value}`)
    .join(' · ');
}

function listing(): string {
  const lines = ['Scenarios:'];
  for (const id of listScenarioIds()) {
    const { scenario, points } = loadScenario(id);
    const sweep = points ? ` (sweep: ${points.length} points)` : '';
    lines.push(`  ${id.padEnd(18)} ${scenario.description}${sweep}`);
    lines.push(`  ${''.padEnd(18)} runs on: ${ableToRun(scenario, points).join(', ') || 'none'}`);
  }
  lines.push('', 'Implementations:');
  for (const name of implementationNames) {
    const adapter = registry[name];
    const optIn = defaultImplementationNames.includes(name) ? '' : ` (runs only when named: --impl ${name})`;
    lines.push(`  ${name.padEnd(18)} ${adapter.kind.padEnd(15)} ${adapter.summary}${optIn}`);
    const row = capabilityTable.find((r) => r.name === name);
    if (row) lines.push(`  ${''.padEnd(34)} ${capabilityLine(row)}`);
  }
  if (variantNames.length > 0) {
    lines.push('', 'Variants (named settings, each its own row; run one by name, or every variant of a pool with --impl <name>[*]):');
    for (const name of variantNames) lines.push(`  ${name}: ${variantRegistry[name]!.variant!.summary}`);
  }
  lines.push('', 'Your own pool: --impl ./my-adapter.js (the contract: impls/template/my-adapter.js)');
  return lines.join('\n');
}

function progressPrinter(): (event: ProgressEvent) => void {
  const tty = process.stderr.isTTY;
  let ticker: NodeJS.Timeout | undefined;
  return (event) => {
    if (event.type === 'skipped') {
      process.stderr.write(`skip ${event.name}: ${event.reason}\n`);
      return;
    }
    const probe = event.probe === undefined ? '' : ` (probe at ${event.probe} tasks)`;
    const head = `[${String(event.step).padStart(String(event.steps).length)}/${event.steps}] ${event.name} run ${event.run}/${event.runs}${probe}`;
    if (event.type === 'start') {
      if (!tty) return;
      const started = Date.now();
      const draw = () => process.stderr.write(`\r${head} … ${((Date.now() - started) / 1000).toFixed(0)} s\x1b[K`);
      draw();
      ticker = setInterval(draw, 1000);
      ticker.unref();
      return;
    }
    clearInterval(ticker);
    const status = event.ok ? event.detail : `FAILED: ${event.detail}`;
    process.stderr.write(`${tty ? '\r' : ''}${head} ${status} (child ${(event.elapsedMs / 1000).toFixed(1)} s)${tty ? '\x1b[K' : ''}\n`);
  };
}

/** Whether an --impl value names a file rather than a registry row. */
function isAdapterPath(selector: string): boolean {
  return /[\\/]/.test(selector) || /\.[cm]?js$/.test(selector);
}

/**
 * The rows the --impl values select, in the order given: registry names, variants (`piscina[atomics=disabled]`,
 * `piscina[*]`), and adapter modules from files, each loaded and checked here so a bad one fails before any run.
 */
export async function selectContenders(selectors: readonly string[]): Promise<Contender[]> {
  if (selectors.length === 0) return defaultImplementationNames.map((name) => ({ adapter: registry[name] }));
  const contenders: Contender[] = [];
  const seen = new Set<string>();
  for (const selector of selectors) {
    let chosen: Contender[];
    if (isAdapterPath(selector)) {
      const { setup: _setup, ...info } = await loadExternalAdapter(selector, implementationNames);
      chosen = [{ adapter: info as AdapterInfo, module: info.source!.path }];
    } else {
      chosen = selectImplementations(selector).map((adapter) => ({ adapter }));
      if (chosen.length === 0) {
        throw errors.unknownImplementation(selector, [...implementationNames, ...variantNames, '<name>[*]', './path/to/adapter.js']);
      }
    }
    for (const contender of chosen) {
      if (seen.has(contender.adapter.name)) continue;
      seen.add(contender.adapter.name);
      contenders.push(contender);
    }
  }
  return contenders;
}

/** Adapters loaded from files: their results name the file, and the version of the package it belongs to. */
export function recordSources(results: ResultsFile, contenders: readonly Contender[]): ResultsFile {
  const sources = new Map(contenders.flatMap((c) => (c.adapter.source ? [[c.adapter.name, c.adapter.source] as const] : [])));
  if (sources.size === 0) return results;
  const libraries = { ...results.env.libraries };
  for (const source of sources.values()) {
    if (source.packageName) libraries[source.packageName] = source.version ?? 'no version';
  }
  return {
    ...results,
    env: { ...results.env, libraries },
    implementations: results.implementations.map((impl) => {
      const source = sources.get(impl.name);
      return source ? { ...impl, version: source.version, source } : impl;
    }),
  };
}

/**
 * --precision and its siblings beat the scenario's own settle field; neither means a fixed run count. The scenario's
 * slowRows has no flag and stays: it belongs to the scenario's size, and without it a slow row would hold the rest up.
 */
function settleOptions(flags: BenchArgs['adaptive'], own: Scenario['settle']): { adaptive?: Adaptive } {
  if (!flags) return own ? { adaptive: own } : {};
  return { adaptive: { ...flags, ...(own?.slowRows ? { slowRows: own.slowRows } : {}) } };
}

export async function main(args: BenchArgs): Promise<void> {
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.list) {
    process.stdout.write(`${listing()}\n`);
    return;
  }
  const validated = loadScenario(args.scenario!);
  const { scenario, notes, points } = validated;
  // A module workload's files are imported now: a missing export or a module that throws is reported before any run.
  await checkScenarioModules(validated);
  const selected = await selectContenders(args.impls);
  // Runtimes are fetched (once, into the cache) after the rows are known to be valid.
  const contenders = underRuntimes(selected, resolveRuntimes(args.runtimes, (line) => process.stderr.write(`${line}\n`)));
  for (const note of notes) process.stderr.write(`note: ${note}\n`);
  // Ctrl-C or a TERM: stop the running child, keep what was measured, write it marked partial, exit 128 + signal.
  const interruption = new AbortController();
  // Signals stay handled to the end: writing files is synchronous, so a handler never runs mid-write and no
  // half-written file is left. A second signal is told what is happening; a third exits at once.
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => () => {
    signals++;
    if (signals === 2) {
      process.stderr.write(`${name}: already stopping; writing the results measured so far (again to exit at once)\n`);
      return;
    }
    if (signals > 2) {
      removeTrackedTemporaries();
      process.exit(name === 'SIGTERM' ? 143 : 130);
    }
    process.stderr.write(`\n${name}: stopping; the results measured so far will be written as partial\n`);
    interruption.abort(name);
  };
  process.on('SIGINT', onSignal('SIGINT'));
  process.on('SIGTERM', onSignal('SIGTERM'));
  const dir = args.resultsDir ?? defaultResultsDir;
  checkWritableResultsDir(dir);
  const written: ResultsFile[] = [];
  // A sweep runs its grid point by point; every point is a full benchmark with its own results file.
  const grid = points ?? [scenario];
  for (const [index, point] of grid.entries()) {
    if (interruption.signal.aborted) break;
    if (point.point) process.stderr.write(`\nsweep point ${index + 1}/${grid.length}: ${pointLabel(point.point)}\n`);
    const results = recordSources(await runBench({
      scenario: point,
      contenders,
      runs: args.runs ?? scenario.runs,
      onProgress: progressPrinter(),
      signal: interruption.signal,
      latency: args.latency,
      instructions: args.instructions,
      ...settleOptions(args.adaptive, point.settle),
    }), contenders);
    // The table first: it is on screen whatever happens to the disk.
    process.stdout.write(`${render(results, args.format)}\n`);
    const { file, fallbackFrom } = writeResultsSafely(dir, results);
    written.push(results);
    if (fallbackFrom) process.stderr.write(`warning: could not write the results to ${fallbackFrom}; saved them to ${file} instead\n`);
    else process.stderr.write(`results written to ${file}\n`);
  }
  if (points && isReadableFormat(args.format) && written.length > 0) process.stdout.write(`\n${renderSweepGrid(written)}\n`);
  // Refresh the page over every results file in this folder, the new one included. The results are safe on disk
  // already, so a report that cannot be built is a warning, not a failed run.
  try {
    const report = writeReport([dir], join(dir, 'report.html'));
    process.stderr.write(`report written to ${report.file}\n`);
  } catch (error) {
    process.stderr.write(`warning: report not written: ${(error as Error).message}\n`);
  }
  if (interruption.signal.aborted) process.exitCode = interruption.signal.reason === 'SIGTERM' ? 143 : 130;
}

