// Renders a results file as a GoPool-style comparison table, for the terminal or as Markdown.
import { median } from '../stats/stats.js';
import { pointLabel } from '../../scenarios/schema.js';
import { type ImplementationResult, type ResultsFile } from '../results/schema.js';

export type Format = 'table' | 'md' | 'json';
export const FORMATS: readonly Format[] = ['table', 'md', 'json'];

const MB = 1024 * 1024;

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}

function megabytes(bytes: number): string {
  return (bytes / MB).toFixed(bytes < 100 * MB ? 1 : 0);
}

function ratio(x: number): string {
  return `${x.toFixed(x < 10 ? 2 : 1)}×`;
}

export interface Row {
  cells: string[];
  note?: string;
  /** The implementation's registry name and state, for renderers that style or link rows (the HTML report). */
  name: string;
  state: ImplementationResult['state'];
}

export const HEADER = [
  'implementation', 'kind', 'time median [min–max] s', '× ideal', '× fastest', 'heap MB', 'RSS MB', 'CPU cores',
  'tasks/s', 'wait p50/p99 ms', 'run p50/p99 ms', 'tasks ok',
];

function millis(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

/** Median over runs of each recorded percentile (one histogram per run, never merged across processes). */
export function latencyMedians(impl: ImplementationResult): { waitP50: number; waitP99: number; runP50: number; runP99: number; totalP99: number } | null {
  if (impl.state === 'skipped') return null;
  const recorded = impl.runs.flatMap((r) => (r.state === 'measured' && r.sample.latency && r.sample.latency.samples > 0 ? [r.sample.latency] : []));
  if (recorded.length === 0) return null;
  const m = (pick: (l: (typeof recorded)[number]) => number): number => median(recorded.map(pick));
  return {
    waitP50: m((l) => l.wait.p50),
    waitP99: m((l) => l.wait.p99),
    runP50: m((l) => l.run.p50),
    runP99: m((l) => l.run.p99),
    totalP99: m((l) => l.total.p99),
  };
}

/** failed + retried + first-try successes = tasks, from the worst run (the flaky workload counts attempts). */
function errorAccounting(impl: ImplementationResult): string | null {
  if (impl.state === 'skipped') return null;
  const tallies = impl.runs.flatMap((r) => (r.state === 'measured' && r.sample.tally.retried !== undefined ? [r.sample.tally] : []));
  if (tallies.length === 0) return null;
  const worst = tallies.reduce((a, b) => (b.failed > a.failed ? b : a));
  const retried = worst.retried ?? 0;
  // Files written before first tries were counted separately: then every success that was not retried was one.
  const firstTry = worst.firstTry ?? worst.completed - retried;
  return `${impl.name}: ${firstTry} succeeded first try + ${retried} succeeded after retry + ${worst.failed} failed = ${firstTry + retried + worst.failed} of ${worst.tasks} (${worst.attempts} attempts)`;
}

function label(impl: ImplementationResult): string {
  const version = impl.version ? `@${impl.version}` : '';
  return `${impl.name}${version}`;
}

function kindLabel(impl: ImplementationResult): string {
  return impl.kind === 'reference' ? 'reference' : impl.kind;
}

/** Honours the scenario's concurrency: rows that ignore it (the no-pool reference) never set the "fastest" bar. */
function honoursLimit(impl: ImplementationResult): boolean {
  return impl.state === 'completed' && impl.applied.concurrency !== 'unbounded';
}

function worstTally(impl: ImplementationResult, scenarioTasks: number): string {
  const tasks = impl.state !== 'skipped' && impl.scaled ? impl.scaled.tasks : scenarioTasks;
  if (impl.state === 'skipped') return '—';
  const measured = impl.runs.flatMap((r) => (r.state === 'measured' ? [r.sample.tally.completed] : []));
  const failedRuns = impl.runs.length - measured.length;
  if (measured.length === 0) return failedRuns ? `— (${failedRuns} runs failed)` : '—';
  const worst = Math.min(...measured);
  const scaled = impl.scaled ? ` (scaled from ${impl.scaled.fromTasks})` : '';
  return `${worst}/${tasks}${scaled}${failedRuns ? ` (${failedRuns} runs failed)` : ''}`;
}

function tasksRun(impl: ImplementationResult, scenarioTasks: number): number {
  return impl.state !== 'skipped' && impl.scaled ? impl.scaled.tasks : scenarioTasks;
}

function perSecond(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0);
}

export function buildRows(results: ResultsFile): Row[] {
  const { implementations, ideal, scenario } = results;
  // Rows that ran fewer tasks (scaled down) cannot set the bar; they are compared per task instead.
  const fastest = Math.min(
    ...implementations.flatMap((i) => (honoursLimit(i) && i.state === 'completed' && !i.scaled ? [i.summary.wallMs.median] : [])),
  );
  const perTaskMs = (i: ImplementationResult): number =>
    i.state === 'completed' ? i.summary.wallMs.median / tasksRun(i, scenario.tasks) : Number.NaN;
  const order = (i: ImplementationResult): number =>
    i.state === 'completed' ? perTaskMs(i) : i.state === 'errored' ? Number.MAX_VALUE / 2 : Number.MAX_VALUE;
  const sorted = [...implementations].sort((a, b) => order(a) - order(b));
  return sorted.map((impl) => {
    const name = label(impl);
    if (impl.state === 'skipped') {
      return {
        cells: [name, kindLabel(impl), 'skipped', '—', '—', '—', '—', '—', '—', '—', '—', '—'],
        note: `${impl.name}: skipped — ${impl.reason}`,
        name: impl.name,
        state: impl.state,
      };
    }
    const s = impl.summary;
    const time = s ? `${seconds(s.wallMs.median)} [${seconds(s.wallMs.min)}–${seconds(s.wallMs.max)}]` : '—';
    // A scaled-down row is compared with the ideal of the run it really made.
    const ownIdeal = impl.scaled ? impl.scaled.ideal : ideal;
    const xIdeal = s && ownIdeal ? ratio(s.wallMs.median / ownIdeal.ms) : '—';
    const latency = latencyMedians(impl);
    const ran = tasksRun(impl, scenario.tasks);
    const xFastest = !s || !Number.isFinite(fastest)
      ? '—'
      : impl.scaled
        ? `${ratio(s.wallMs.median / ran / (fastest / scenario.tasks))} per task`
        : ratio(s.wallMs.median / fastest);
    const cells = [
      name + (impl.state === 'errored' ? ' (errored)' : ''),
      kindLabel(impl),
      time,
      xIdeal,
      xFastest,
      s ? megabytes(s.heapPeakBytes.median) : '—',
      s ? megabytes(s.maxRssBytes.median) : '—',
      s ? s.cpuCores.median.toFixed(2) : '—',
      s ? perSecond(ran / (s.wallMs.median / 1000)) : '—',
      latency ? `${millis(latency.waitP50)}/${millis(latency.waitP99)}` : '—',
      latency ? `${millis(latency.runP50)}/${millis(latency.runP99)}` : '—',
      worstTally(impl, scenario.tasks),
    ];
    const notes: string[] = [];
    if (impl.scaled) notes.push(`${impl.name}: ${impl.scaled.reason}`);
    for (const note of impl.notes ?? []) notes.push(`${impl.name}: ${note}`);
    const accounting = errorAccounting(impl);
    if (accounting) notes.push(accounting);
    const threads = poolThreadsNote(impl, results.sampling?.heap.intervalMs ?? 20);
    if (threads) notes.push(threads);
    const external = externalPeakMedian(impl);
    if (external) notes.push(`${impl.name}: memory outside the process, median peak ${external}`);
    if (impl.state === 'errored') notes.push(`${impl.name}: errored — ${impl.reason}`);
    if (impl.state === 'completed' && impl.applied.concurrency === 'unbounded') {
      notes.push(`${impl.name}: reference, ignores the concurrency limit (runs every submitted task at once)`);
    }
    const row = { cells, name: impl.name, state: impl.state };
    return notes.length ? { ...row, note: notes.join('\n') } : row;
  });
}

/** For dynamicThreads scenarios: the live thread range the pool reported, and how often it retired threads. */
function poolThreadsNote(impl: ImplementationResult, sampleMs: number): string | null {
  if (impl.state === 'skipped') return null;
  const seen = impl.runs.flatMap((r) => (r.state === 'measured' && r.sample.poolThreads ? [r.sample.poolThreads] : []));
  if (seen.length === 0) return null;
  const min = Math.min(...seen.map((t) => t.min));
  const max = Math.max(...seen.map((t) => t.max));
  const drops = seen.map((t) => t.drops).sort((a, b) => a - b);
  return `${impl.name}: ${min}–${max} live threads during the runs; the count fell ${drops.join(', ')} times (per run, ${sampleMs} ms samples)`;
}

function externalPeakMedian(impl: ImplementationResult): string | null {
  if (impl.state === 'skipped') return null;
  const peaks = impl.runs.flatMap((r) => (r.state === 'measured' && r.sample.externalPeak ? [r.sample.externalPeak] : []));
  if (peaks.length === 0) return null;
  const sorted = [...peaks].sort((a, b) => a.bytes - b.bytes);
  const mid = sorted[(sorted.length - 1) >> 1]!;
  const parts = Object.entries(mid.parts).map(([k, v]) => `${k} ${megabytes(v)}`).join(' + ');
  return `${megabytes(mid.bytes)} MB (${parts} MB)`;
}

function headerLines(results: ResultsFile): string[] {
  const { scenario, env, ideal } = results;
  const sha = env.gitSha ? `${env.gitSha.slice(0, 7)}${env.gitDirty ? '+dirty' : ''}` : 'no git';
  return [
    ...(results.partial ? [`PARTIAL RESULTS: ${results.partial.reason}`] : []),
    `scenario ${scenario.id}${scenario.point ? ` [${pointLabel(scenario.point)}]` : ''}: ${scenario.description}`,
    `ideal ${ideal ? `${seconds(ideal.ms)} s = ${ideal.basis}` : 'none (no physical floor for this workload)'}; ${results.runsPerImplementation} measured runs each, fresh process per run`,
    `${env.cpuModel}, ${env.availableParallelism} cores, Node ${env.node}, ${sha}, ${results.createdAt}`,
  ];
}

export const FOOTNOTE =
  'time: first submit → last completion. heap: peak main-thread heapUsed (worker heaps not included). ' +
  'RSS: peak of the whole process. CPU cores: (user + system CPU) / wall. × fastest: against the fastest row that honours the limit (per task for a scaled-down row). ' +
  'tasks/s: tasks run / median time. ' +
  'wait: submit → start; run: start → completion seen by the caller; medians over runs of each run\'s histogram.';

export function renderTable(results: ResultsFile): string {
  const rows = buildRows(results);
  const widths = HEADER.map((h, c) => Math.max(h.length, ...rows.map((r) => r.cells[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c <= 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const notes = rows.flatMap((r) => (r.note ? [r.note] : []));
  return [
    ...headerLines(results),
    '',
    line(HEADER),
    widths.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map((r) => line(r.cells)),
    '',
    ...notes,
    ...(notes.length ? [''] : []),
    FOOTNOTE,
  ].join('\n');
}

function escapeMd(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function renderMarkdown(results: ResultsFile): string {
  const rows = buildRows(results);
  const notes = rows.flatMap((r) => (r.note ? r.note.split('\n') : []));
  return [
    ...headerLines(results).map((l) => `${l}  `),
    '',
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, c) => (c <= 1 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...rows.map((r) => `| ${r.cells.map(escapeMd).join(' | ')} |`),
    '',
    ...notes.map((n) => `- ${escapeMd(n)}`),
    ...(notes.length ? [''] : []),
    FOOTNOTE,
  ].join('\n');
}

export function render(results: ResultsFile, format: Format): string {
  if (format === 'json') return JSON.stringify(results, null, 1);
  return format === 'md' ? renderMarkdown(results) : renderTable(results);
}
