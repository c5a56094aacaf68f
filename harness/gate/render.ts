// The gate's verdict table, for a terminal and as Markdown for a pull-request comment or $GITHUB_STEP_SUMMARY.
import type { GateMetric, GateRow } from './compare.js';
import { markdownTable, textTable, type Table } from '../output/table.js';

const METRIC_LABEL: Record<GateMetric, string> = {
  wallMs: 'wall time', heapPeakBytes: 'peak heap', cpuMsPerTask: 'CPU per task', instructionsPerTask: 'instructions per task',
};
const HEADER = ['implementation', 'metric', 'baseline median', 'candidate median', 'change', 'p', 'n', 'verdict', 'why'];

function value(metric: GateMetric, x: number): string {
  if (!Number.isFinite(x)) return '—';
  switch (metric) {
    case 'wallMs':
      return `${(x / 1000).toFixed(3)} s`;
    case 'heapPeakBytes':
      return `${(x / 1024 / 1024).toFixed(1)} MB`;
    case 'cpuMsPerTask':
      return `${(x * 1000).toFixed(2)} µs`;
    case 'instructionsPerTask':
      return x.toFixed(0);
  }
}

function cells(row: GateRow): string[] {
  return [
    row.implementation,
    METRIC_LABEL[row.metric],
    value(row.metric, row.baselineMedian),
    value(row.metric, row.candidateMedian),
    Number.isFinite(row.change) && row.nBaseline > 0 && row.nCandidate > 0 ? `${row.change >= 0 ? '+' : ''}${(row.change * 100).toFixed(1)} %` : '—',
    row.p === null ? '—' : row.p.toFixed(3),
    `${row.nBaseline} vs ${row.nCandidate}`,
    row.verdict,
    row.why,
  ];
}

export function summaryLine(rows: readonly GateRow[]): string {
  const count = (v: GateRow['verdict']) => rows.filter((r) => r.verdict === v).length;
  const regressed = count('regressed');
  return `${regressed ? `REGRESSED: ${regressed}` : 'no regression'}; improved ${count('improved')}, no change ${count('no change')}, inconclusive ${count('inconclusive')}`;
}

/** Every column left-aligned: the changes and counts carry their own signs and units. */
function verdictTable(rows: readonly GateRow[]): Table {
  return { header: HEADER, rows: rows.map(cells), leftColumns: HEADER.length, rule: true };
}

export function renderGateTable(rows: readonly GateRow[], title: string): string {
  return [title, '', textTable(verdictTable(rows)), '', summaryLine(rows)].join('\n');
}

export function renderGateMarkdown(rows: readonly GateRow[], title: string): string {
  return [
    `### ${title}`,
    '',
    `**${summaryLine(rows)}**`,
    '',
    markdownTable(verdictTable(rows)),
  ].join('\n');
}
