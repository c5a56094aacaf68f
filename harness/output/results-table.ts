// A results file as a GoPool-style comparison table, for the terminal or as Markdown. Reads the file only.
import { median } from '../stats/stats.js';
import { pointLabel } from '../../scenarios/schema.js';
import { runtimeLabel, tasksRun, type ImplementationResult, type IntervalEstimate, type ResultsFile, type RowAnalysis, type Analysis } from '../results/schema.js';
import { analyze } from '../stats/analysis.js';
import { escapeMarkdown, markdownTable, textTable, type Table } from './table.js';
import { groupFile, runtimeGroups, type RuntimeGroup } from '../runtimes/groups.js';
import { COMPARISON_FOOTNOTE, runtimeComparison } from '../runtimes/comparison.js';

const MB = 1024 * 1024;

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 2 : 1);
}

function megabytes(bytes: number): string {
  return (bytes / MB).toFixed(bytes < 100 * MB ? 1 : 0);
}

export interface Row {
  cells: string[];
  note?: string;
  /** The implementation's registry name and state, for renderers that style or link rows (the HTML report). */
  name: string;
  state: ImplementationResult['state'];
}

export const HEADER = [
  'rank', 'implementation', 'kind', 'time median [min–max] s', '× ideal [95 % CI]', '× fastest [95 % CI]', '× floor [95 % CI]',
  'CPU µs/task', 'heap MB', 'RSS MB', 'tasks/s', 'wait p50/p99 ms', 'run p50/p99 ms', 'loop p99 ms (ELU)', 'tasks ok', 'runs',
];

/** An estimate with its interval: "1.32 [1.26–1.38]", or "1.32 [?]" when the runs are too few for any bound. */
export function withInterval(interval: IntervalEstimate, digits = 2): string {
  const f = (x: number) => x.toFixed(digits);
  if (interval.low === interval.high && interval.low === interval.estimate) return f(interval.estimate);
  return `${f(interval.estimate)} [${Number.isFinite(interval.high) ? `${f(interval.low)}–${f(interval.high)}` : '?'}]`;
}

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

/** Median over runs of the main thread's event-loop delay p99 and utilisation; null for files without them. */
export function eventLoopMedians(impl: ImplementationResult): { delayP99Ms: number; utilization: number } | null {
  if (impl.state === 'skipped') return null;
  // A run with no delay samples recorded nothing (some runtimes accept the API and deliver nothing; files written
  // before the child checked for that still hold such zeros): not measured, not a free loop.
  const seen = impl.runs.flatMap((r) => (r.state === 'measured' && r.sample.eventLoop && r.sample.eventLoop.samples > 0 ? [r.sample.eventLoop] : []));
  if (seen.length === 0) return null;
  return { delayP99Ms: median(seen.map((l) => l.delayP99Ms)), utilization: median(seen.map((l) => l.utilization)) };
}

/** One compact cell: event-loop delay p99 and, in parentheses, how busy the loop was ("12.5 (98 %)"). */
function loopCell(impl: ImplementationResult): string {
  const loop = eventLoopMedians(impl);
  if (!loop) return '—';
  // A utilisation of exactly 0 over a whole run is a runtime that measures none (Bun, Deno), not an idle loop.
  return `${millis(loop.delayP99Ms)} (${loop.utilization > 0 ? `${Math.round(loop.utilization * 100)} %` : 'ELU —'})`;
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
  const runtime = impl.runtime ? ` (${runtimeLabel(impl.runtime)})` : '';
  return `${impl.name}${version}${runtime}`;
}

function kindLabel(impl: ImplementationResult): string {
  return impl.kind === 'reference' ? 'reference' : impl.kind;
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

function perSecond(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0);
}

/** The rows of every runtime, runtime by runtime: each group ranked and compared within itself only. */
export function buildRows(results: ResultsFile): Row[] {
  return runtimeGroups(results).flatMap((group) => {
    const part = groupFile(results, group);
    return buildGroupRows(part, analyze(part));
  });
}

/** `analysis` is analyze(results): always recomputed from the raw runs, so a stored one can never disagree. */
function buildGroupRows(results: ResultsFile, analysis: Analysis): Row[] {
  const { implementations, scenario } = results;
  const rowAnalysis = new Map(analysis.rows.map((r) => [r.name, r]));
  const perTaskMs = (i: ImplementationResult): number =>
    i.state === 'completed' ? i.summary.wallMs.median / tasksRun(i, scenario.tasks) : Number.NaN;
  const order = (i: ImplementationResult): number =>
    i.state === 'completed' ? perTaskMs(i) : i.state === 'errored' ? Number.MAX_VALUE / 2 : Number.MAX_VALUE;
  const sorted = [...implementations].sort((a, b) => order(a) - order(b));
  return sorted.map((impl) => {
    const name = label(impl);
    if (impl.state === 'skipped') {
      return {
        cells: ['—', name, kindLabel(impl), 'skipped', '—', '—', '—', '—', '—', '—', '—', '—', '—', '—', '—', '0'],
        note: `${impl.name}: skipped — ${impl.reason}`,
        name: impl.name,
        state: impl.state,
      };
    }
    const s = impl.summary;
    const time = s ? `${seconds(s.wallMs.median)} [${seconds(s.wallMs.min)}–${seconds(s.wallMs.max)}]` : '—';
    const a: RowAnalysis | undefined = rowAnalysis.get(impl.name);
    const latency = latencyMedians(impl);
    const ran = tasksRun(impl, scenario.tasks);
    const rank = a?.rank ? (a.rank.best === a.rank.worst ? String(a.rank.best) : `${a.rank.best}–${a.rank.worst}`) : '—';
    const xFastest = a?.xFastest ? `${withInterval(a.xFastest)}${impl.scaled ? ' per task' : ''}` : '—';
    const xFloor = a?.xFloor ? `${withInterval(a.xFloor.ratio)} ${a.xFloor.floor}` : '—';
    const cells = [
      rank,
      name + (impl.state === 'errored' ? ' (errored)' : ''),
      kindLabel(impl),
      time,
      a?.xIdeal ? withInterval(a.xIdeal) : '—',
      xFastest,
      xFloor,
      a?.cpuMicrosPerTask ? a.cpuMicrosPerTask.estimate.toFixed(2) : '—',
      s ? megabytes(s.heapPeakBytes.median) : '—',
      s ? megabytes(s.maxRssBytes.median) : '—',
      s ? perSecond(ran / (s.wallMs.median / 1000)) : '—',
      latency ? `${millis(latency.waitP50)}/${millis(latency.waitP99)}` : '—',
      latency ? `${millis(latency.runP50)}/${millis(latency.runP99)}` : '—',
      loopCell(impl),
      worstTally(impl, scenario.tasks),
      a?.settled === false ? `${impl.runs.length} unsettled` : String(impl.runs.length),
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

/** The most runs a row could get: --runs beats a smaller maxRuns, since the first `runs` rounds always run. */
function runCap(results: ResultsFile): number {
  return Math.max(results.runsPerImplementation, results.adaptive?.maxRuns ?? 0);
}

function runsLine(results: ResultsFile): string {
  const a = results.adaptive;
  if (!a) return `${results.runsPerImplementation} measured runs each`;
  const budget = a.budgetSeconds === undefined ? '' : `, ${a.budgetSeconds} s of runs in all`;
  return `runs until each median is known to ±${(a.precision * 100).toFixed(0)} % (${results.runsPerImplementation} to ${runCap(results)} runs, at most ${a.rowBudgetSeconds} s of runs a row${budget})`;
}

/** With settle.slowRows: how each row's size was chosen (the scaled rows' own notes give their figures). */
function probeLine(results: ResultsFile): string[] {
  const slow = results.adaptive?.slowRows;
  if (!slow) return [];
  const tasks = slow.tasks.toLocaleString('en-US');
  return [`rows first ran a ${tasks}-task probe: those whose full run would take over ${slow.aboveSeconds} s stayed at ${tasks} tasks (compared per task), the others ran full size with the probe left out of their figures`];
}

function headerLines(results: ResultsFile): string[] {
  const { scenario, env, ideal } = results;
  const sha = env.gitSha ? `${env.gitSha.slice(0, 7)}${env.gitDirty ? '+dirty' : ''}` : 'no git';
  return [
    ...(results.partial ? [`PARTIAL RESULTS: ${results.partial.reason}`] : []),
    `scenario ${scenario.id}${scenario.point ? ` [${pointLabel(scenario.point)}]` : ''}: ${scenario.description}`,
    `ideal ${ideal ? `${seconds(ideal.ms)} s = ${ideal.basis}` : 'none (no physical floor for this workload)'}; ${runsLine(results)}, fresh process per run`,
    ...probeLine(results),
    `${env.cpuModel}, ${env.availableParallelism} cores, Node ${env.node}, ${sha}, ${results.createdAt}`,
  ];
}

export const FOOTNOTE =
  'time: first submit → last completion. rank: shared (1–3) where the 95 % intervals cannot tell rows apart. ' +
  '× ideal, × fastest, × floor: medians of this row over the ideal, the fastest row that honours the limit, and the ' +
  'hand-written floor of its kind (lanes for in-thread, raw-workers for worker threads), per task, with 95 % intervals ' +
  '(Hodges–Lehmann on log values, Mann–Whitney inversion; [?] = too few runs for any bound). ' +
  'heap: peak main-thread heapUsed (worker heaps not included). RSS: peak of the whole process. ' +
  'CPU µs/task: (user + system CPU) / tasks. ' +
  'tasks/s: tasks run / median time. ' +
  'wait: submit → start; run: start → completion seen by the caller; medians over runs of each run\'s histogram. ' +
  'loop p99: the measured process\'s main-thread event-loop delay p99 during the timed run (how late a timer fired), ' +
  'with its event-loop utilisation in parentheses; medians over runs.';

function comparisonTable(rows: readonly Row[]): Table {
  // Rank, implementation and kind read left to right; every other column is a number.
  return { header: HEADER, rows: rows.map((r) => r.cells), leftColumns: 3, rule: true };
}

/** hyperfine's sentences, where the data supports a verdict, and the rows it cannot separate from the fastest. */
function verdictLines(results: ResultsFile, analysis: Analysis): string[] {
  if (!analysis.fastest) return [];
  const tied = analysis.tiedWithFastest.length
    ? [`tied with ${analysis.fastest} (95 % intervals include 1): ${analysis.tiedWithFastest.join(', ')}`]
    : [];
  const unsettled = analysis.rows.filter((r) => r.settled === false).map((r) => r.name);
  const adaptive = results.adaptive;
  const limits = adaptive ? `within ${runCap(results)} runs or ${adaptive.rowBudgetSeconds} s of runs` : '';
  // A spent total budget, not the row's own limits, is then what stopped at least one of these rows.
  const ranOut = adaptive?.budgetRanOut ? ` (the budget of ${adaptive.budgetSeconds} s for all rows' runs ran out)` : '';
  const settling = adaptive && unsettled.length
    ? [`did not reach ±${(adaptive.precision * 100).toFixed(0)} % ${limits}${ranOut}: ${unsettled.join(', ')}`]
    : [];
  return [...analysis.verdicts, ...tied, ...settling];
}

/** A heading per runtime when the file holds several; none for the usual one-runtime file. */
function runtimeHeading(group: RuntimeGroup, groups: number): string[] {
  if (groups < 2) return [];
  const source = group.implementations.find((i) => i.runtime && runtimeLabel(i.runtime) === group.label)?.runtime?.source;
  return [`runtime ${group.label}${group.baseline ? ' (baseline)' : ''}${source ? `: ${source}` : ''}`];
}

/** Each runtime's table with its verdicts and notes, in the given dialect; whether any notes were written. */
function groupSections(results: ResultsFile, dialect: 'text' | 'md'): { lines: string[]; noted: boolean } {
  const groups = runtimeGroups(results);
  let noted = false;
  const lines = groups.flatMap((group) => {
    const part = groupFile(results, group);
    const analysis = analyze(part);
    const rows = buildGroupRows(part, analysis);
    const notes = rows.flatMap((r) => (r.note ? (dialect === 'md' ? r.note.split('\n') : [r.note]) : []));
    noted ||= notes.length > 0;
    const heading = runtimeHeading(group, groups.length);
    if (dialect === 'text') return ['', ...heading, textTable(comparisonTable(rows)), '', ...verdictLines(part, analysis), ...notes];
    return [
      '', ...heading.map((h) => `**${escapeMarkdown(h)}**\n`), markdownTable(comparisonTable(rows)), '',
      ...[...verdictLines(part, analysis), ...notes].map((n) => `- ${escapeMarkdown(n)}`),
    ];
  });
  return { lines, noted };
}

export function renderTable(results: ResultsFile): string {
  const { lines, noted } = groupSections(results, 'text');
  const comparison = runtimeComparison(results);
  return [
    ...headerLines(results),
    ...lines,
    ...(comparison ? ['', 'runtime comparison', textTable(comparison), '', COMPARISON_FOOTNOTE] : []),
    ...(noted || comparison ? [''] : []),
    FOOTNOTE,
  ].join('\n');
}

export function renderMarkdown(results: ResultsFile): string {
  const { lines, noted } = groupSections(results, 'md');
  const comparison = runtimeComparison(results);
  return [
    ...headerLines(results).map((l) => `${l}  `),
    ...lines,
    ...(comparison ? ['', '**runtime comparison**', '', markdownTable(comparison), '', escapeMarkdown(COMPARISON_FOOTNOTE)] : []),
    ...(noted || comparison ? [''] : []),
    FOOTNOTE,
  ].join('\n');
}
