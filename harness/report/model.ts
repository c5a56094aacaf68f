// Loaded results files → the report's content: machines, then scenarios, each with its table, charts and history.
// Plain data and no HTML, so tests can check what a report will show without a browser.
import { buildRows, type Row } from '../output/format.js';
import { heapChart, historyCharts, latencyChart, memoryChart, rssChart, scalingCharts, sweepCharts, timeChart, type ChartSpec } from './charts.js';
import { colorMap } from './colors.js';
import type { LoadedResults } from './load.js';
import { pointLabel } from '../../scenarios/schema.js';
import { describeHardware, hardwareKey } from '../results/environment.js';
import { type Environment, type ImplementationResult, type ResultsFile } from '../results/schema.js';

/** Scenarios by id; a sweep's points in order of their values, numbers numerically (100 before 1000). */
function compareSections(a: ResultsFile, b: ResultsFile): number {
  if (a.scenario.id !== b.scenario.id) return a.scenario.id < b.scenario.id ? -1 : 1;
  const pa = Object.values(a.scenario.point ?? {});
  const pb = Object.values(b.scenario.point ?? {});
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/** A section per scenario, and per point of a sweep. */
function sectionKey(r: ResultsFile): string {
  return r.scenario.point ? `${r.scenario.id} [${pointLabel(r.scenario.point)}]` : r.scenario.id;
}

export interface Fact {
  label: string;
  value: string;
}

export interface HistoryEntry {
  file: string;
  createdAt: string;
  sha: string;
}

export interface ScenarioSection {
  anchor: string;
  scenarioId: string;
  description: string;
  /** The newest results file of this scenario on this machine: the one the table and the main charts show. */
  file: string;
  facts: Fact[];
  env: Fact[];
  /** name@version of each wrapped library. */
  libraries: string[];
  rows: Row[];
  charts: ChartSpec[];
  /** Every results file of this scenario on this machine, newest first (one entry: no history yet). */
  history: HistoryEntry[];
  historyNotes: string[];
}

export type CapabilityState = ImplementationResult['state'] | 'absent';

export interface CapabilityCell {
  state: CapabilityState;
  text: string;
}

export interface CapabilityMatrix {
  scenarios: string[];
  rows: { name: string; cells: CapabilityCell[] }[];
}

export interface MachineSection {
  anchor: string;
  /** cpuModel, cores and OS: results from different machines are never combined. */
  key: string;
  label: string;
  fileCount: number;
  sections: ScenarioSection[];
  capability: CapabilityMatrix;
  /** Charts across this machine's scenarios (scaling curves); empty when no scenarios form a curve. */
  charts: ChartSpec[];
}

export interface ReportModel {
  generatedAt: string;
  fileCount: number;
  warnings: string[];
  machines: MachineSection[];
  /** Implementation → colour, identical in every chart. */
  colors: [string, string][];
}

/** Results are grouped by hardware (CPU model, cores, memory, Node major); the kernel build is detail, not a machine. */
export function machineKey(env: Environment): string {
  return hardwareKey(env);
}

/** 16 GiB, 23.5 GiB: one decimal only where it says something. */
function gib(bytes: number): string {
  return `${Number((bytes / 1024 ** 3).toFixed(1))} GiB`;
}

function machineLabel(env: Environment): string {
  return `${describeHardware(env)}, ${env.arch}`;
}

export function shaLabel(env: Environment): string {
  return env.gitSha ? `${env.gitSha.slice(0, 7)}${env.gitDirty ? '+dirty' : ''}` : 'no git';
}

function newestFirst(a: LoadedResults, b: LoadedResults): number {
  return Date.parse(b.results.createdAt) - Date.parse(a.results.createdAt) || b.file.localeCompare(a.file);
}

function envFacts(env: Environment): Fact[] {
  return [
    { label: 'Node', value: `${env.node} (V8 ${env.v8})` },
    { label: 'CPU', value: env.cpuModel },
    { label: 'cores', value: `${env.cores} (available parallelism ${env.availableParallelism})` },
    { label: 'memory', value: gib(env.totalMemoryBytes) },
    { label: 'OS', value: `${env.os} ${env.arch}` },
    { label: 'git', value: shaLabel(env) + (env.gitSha ? ` (${env.gitSha})` : '') },
    { label: 'child heap limit', value: `${env.childHeapLimitMB} MB` },
    { label: 'CI', value: env.ci ? 'yes' : 'no' },
  ];
}

function scenarioFacts(entry: LoadedResults): Fact[] {
  const r = entry.results;
  const s = r.scenario;
  return [
    { label: 'ideal', value: r.ideal ? `${(r.ideal.ms / 1000).toFixed(2)} s = ${r.ideal.basis}` : 'none (no physical floor for this workload)' },
    { label: 'tasks', value: `${s.tasks.toLocaleString('en-US')} at concurrency ${s.concurrency?.toLocaleString('en-US') ?? '?'}, threads ${s.threads}` },
    { label: 'runs', value: `${r.runsPerImplementation} measured runs per implementation, each in a fresh process` },
    { label: 'measured', value: `${r.createdAt}, commit ${shaLabel(r.env)}` },
    { label: 'file', value: entry.file },
  ];
}

function scenarioSection(anchor: string, files: LoadedResults[], colors: ReturnType<typeof colorMap>): ScenarioSection {
  const sorted = [...files].sort(newestFirst);
  const newest = sorted[0]!;
  const r = newest.results;
  const rows = buildRows(r);
  const order = rows.map((row) => row.name);
  const charts = [
    timeChart(`${anchor}-time`, r, order, colors),
    heapChart(`${anchor}-heap`, r, order, colors),
    rssChart(`${anchor}-rss`, r, order, colors),
    memoryChart(`${anchor}-memory`, r, order, colors),
    latencyChart(`${anchor}-latency`, r, order, colors),
  ].filter((c): c is ChartSpec => c !== null);
  charts.push(...historyCharts(`${anchor}-history`, sorted.map((f) => ({ createdAt: f.results.createdAt, sha: shaLabel(f.results.env), results: f.results })), colors));
  const definitions = new Set(sorted.map((f) => JSON.stringify(f.results.scenario)));
  const historyNotes = definitions.size > 1
    ? [`the scenario definition of ${r.scenario.id} changed between these files: compare their medians with care`]
    : [];
  return {
    anchor,
    scenarioId: sectionKey(r),
    description: r.scenario.description,
    file: newest.file,
    facts: scenarioFacts(newest),
    env: envFacts(r.env),
    libraries: Object.entries(r.env.libraries ?? {}).map(([name, version]) => `${name}@${version}`),
    rows,
    charts,
    history: sorted.map((f) => ({ file: f.file, createdAt: f.results.createdAt, sha: shaLabel(f.results.env) })),
    historyNotes,
  };
}

function capabilityCell(impl: ImplementationResult | undefined): CapabilityCell {
  if (!impl) return { state: 'absent', text: 'not in this run' };
  if (impl.state === 'completed') return { state: 'completed', text: `ran (${(impl.summary.wallMs.median / 1000).toFixed(2)} s median)` };
  return { state: impl.state, text: `${impl.state}: ${impl.reason}` };
}

function capability(sections: readonly ScenarioSection[], newest: readonly ResultsFile[]): CapabilityMatrix {
  const names = [...new Set(newest.flatMap((r) => r.implementations.map((i) => i.name)))].sort();
  return {
    scenarios: sections.map((s) => s.scenarioId),
    rows: names.map((name) => ({
      name,
      cells: newest.map((r) => capabilityCell(r.implementations.find((i) => i.name === name))),
    })),
  };
}

export interface ModelOptions {
  warnings?: readonly string[];
  generatedAt?: Date;
}

export function buildReportModel(loaded: readonly LoadedResults[], options: ModelOptions = {}): ReportModel {
  const colors = colorMap(loaded.flatMap((f) => f.results.implementations.map((i) => i.name)));
  const byMachine = new Map<string, LoadedResults[]>();
  for (const entry of loaded) {
    const key = machineKey(entry.results.env);
    byMachine.set(key, [...(byMachine.get(key) ?? []), entry]);
  }
  // The machine with the newest results first: that is usually the one the reader just measured on.
  const machines = [...byMachine.entries()].sort(([, a], [, b]) => newestFirst([...a].sort(newestFirst)[0]!, [...b].sort(newestFirst)[0]!));
  return {
    generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    fileCount: loaded.length,
    warnings: [...(options.warnings ?? [])],
    colors: [...colors.entries()],
    machines: machines.map(([key, files], m) => {
      const byScenario = new Map<string, LoadedResults[]>();
      for (const entry of files) {
        // Each sweep point is a scenario of its own: its files form its history, its newest file its table.
        const id = sectionKey(entry.results);
        byScenario.set(id, [...(byScenario.get(id) ?? []), entry]);
      }
      const scenarioIds = [...byScenario.keys()].sort((a, b) => compareSections(byScenario.get(a)![0]!.results, byScenario.get(b)![0]!.results));
      const sections = scenarioIds.map((id, s) => scenarioSection(`m${m}-s${s}`, byScenario.get(id)!, colors));
      const newest = scenarioIds.map((id) => [...byScenario.get(id)!].sort(newestFirst)[0]!.results);
      const sweeps = new Map<string, ResultsFile[]>();
      for (const r of newest.filter((f) => f.scenario.point)) sweeps.set(r.scenario.id, [...(sweeps.get(r.scenario.id) ?? []), r]);
      return {
        anchor: `m${m}`,
        key,
        label: machineLabel([...files].sort(newestFirst)[0]!.results.env),
        fileCount: files.length,
        sections,
        capability: capability(sections, newest),
        charts: [
          ...scalingCharts(`m${m}-scaling`, newest, colors),
          ...[...sweeps.entries()].flatMap(([id, points], k) => sweepCharts(`m${m}-sweep${k}-${id}`, points, colors)),
        ],
      };
    }),
  };
}

/** Every chart in page order, as the renderer draws them. */
export function allCharts(model: ReportModel): ChartSpec[] {
  return model.machines.flatMap((m) => [...m.sections.flatMap((s) => s.charts), ...m.charts]);
}
