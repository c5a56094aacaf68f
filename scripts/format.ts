// Renders a results file as a GoPool-style comparison table, for the terminal or as Markdown.
import type { ImplementationResult, ResultsFile } from './results.js';

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

export const HEADER = ['implementation', 'kind', 'time median [min–max] s', '× ideal', '× fastest', 'heap MB', 'RSS MB', 'CPU cores', 'tasks ok'];

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

function worstTally(impl: ImplementationResult, tasks: number): string {
  if (impl.state === 'skipped') return '—';
  const measured = impl.runs.flatMap((r) => (r.state === 'measured' ? [r.sample.tally.completed] : []));
  const failedRuns = impl.runs.length - measured.length;
  if (measured.length === 0) return failedRuns ? `— (${failedRuns} runs failed)` : '—';
  const worst = Math.min(...measured);
  return `${worst}/${tasks}${failedRuns ? ` (${failedRuns} runs failed)` : ''}`;
}

export function buildRows(results: ResultsFile): Row[] {
  const { implementations, ideal, scenario } = results;
  const fastest = Math.min(
    ...implementations.flatMap((i) => (honoursLimit(i) && i.state === 'completed' ? [i.summary.wallMs.median] : [])),
  );
  const order = (i: ImplementationResult): number =>
    i.state === 'completed' ? i.summary.wallMs.median : i.state === 'errored' ? Number.MAX_VALUE / 2 : Number.MAX_VALUE;
  const sorted = [...implementations].sort((a, b) => order(a) - order(b));
  return sorted.map((impl) => {
    const name = label(impl);
    if (impl.state === 'skipped') {
      return {
        cells: [name, kindLabel(impl), 'skipped', '—', '—', '—', '—', '—', '—'],
        note: `${impl.name}: skipped — ${impl.reason}`,
        name: impl.name,
        state: impl.state,
      };
    }
    const s = impl.summary;
    const time = s ? `${seconds(s.wallMs.median)} [${seconds(s.wallMs.min)}–${seconds(s.wallMs.max)}]` : '—';
    const xIdeal = s && ideal ? ratio(s.wallMs.median / ideal.ms) : '—';
    const xFastest = s && Number.isFinite(fastest) ? ratio(s.wallMs.median / fastest) : '—';
    const cells = [
      name + (impl.state === 'errored' ? ' (errored)' : ''),
      kindLabel(impl),
      time,
      xIdeal,
      xFastest,
      s ? megabytes(s.heapPeakBytes.median) : '—',
      s ? megabytes(s.maxRssBytes.median) : '—',
      s ? s.cpuCores.median.toFixed(2) : '—',
      worstTally(impl, scenario.tasks),
    ];
    const notes: string[] = [];
    if (impl.state === 'errored') notes.push(`${impl.name}: errored — ${impl.reason}`);
    if (impl.state === 'completed' && impl.applied.concurrency === 'unbounded') {
      notes.push(`${impl.name}: reference, ignores the concurrency limit (runs every submitted task at once)`);
    }
    const row = { cells, name: impl.name, state: impl.state };
    return notes.length ? { ...row, note: notes.join('\n') } : row;
  });
}

function headerLines(results: ResultsFile): string[] {
  const { scenario, env, ideal } = results;
  const sha = env.gitSha ? `${env.gitSha.slice(0, 7)}${env.gitDirty ? '+dirty' : ''}` : 'no git';
  return [
    ...(results.partial ? [`PARTIAL RESULTS: ${results.partial.reason}`] : []),
    `scenario ${scenario.id}: ${scenario.description}`,
    `ideal ${ideal ? `${seconds(ideal.ms)} s = ${ideal.basis}` : 'none (no physical floor for this workload)'}; ${results.runsPerImplementation} measured runs each, fresh process per run`,
    `${env.cpuModel}, ${env.availableParallelism} cores, Node ${env.node}, ${sha}, ${results.createdAt}`,
  ];
}

export const FOOTNOTE =
  'time: first submit → last completion. heap: peak main-thread heapUsed (worker heaps not included). ' +
  'RSS: peak of the whole process. CPU cores: (user + system CPU) / wall. × fastest: against the fastest row that honours the limit.';

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
