// The runtime comparison view: the same implementation across runtimes, median time and its ratio to the baseline
// runtime (the invocation's own node). Each cell comes from its own runtime's rows; nothing is ranked across them.
import type { ImplementationResult, ResultsFile } from '../results/schema.js';
import type { Table } from '../output/table.js';
import { runtimeGroups, type RuntimeGroup } from './groups.js';

function cell(impl: ImplementationResult | undefined, baseline: ImplementationResult | undefined): string {
  if (!impl) return '—';
  if (impl.state === 'skipped') return 'skipped';
  if (impl.state === 'errored') return 'errored';
  // A row scaled down ran fewer tasks: its time is not comparable as it stands.
  if (impl.scaled) return 'scaled';
  const ms = impl.summary.wallMs.median;
  const time = `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (!baseline || baseline.state !== 'completed' || baseline.scaled) return time;
  return `${time} (${(ms / baseline.summary.wallMs.median).toFixed(2)}×)`;
}

/** Implementation × runtime, or null when the file holds one runtime. */
export function runtimeComparison(results: ResultsFile): Table | null {
  const groups = runtimeGroups(results);
  if (groups.length < 2) return null;
  const base = groups.find((g) => g.baseline)!;
  const names = [...new Set(results.implementations.map((i) => i.name))];
  const find = (group: RuntimeGroup, name: string) => group.implementations.find((i) => i.name === name);
  return {
    header: ['implementation', ...groups.map((g) => (g.baseline ? `${g.label} (baseline)` : g.label))],
    rows: names.map((name) => [name, ...groups.map((g) => cell(find(g, name), find(base, name)))]),
    leftColumns: 1,
    rule: true,
  };
}

export const COMPARISON_FOOTNOTE =
  'runtime comparison: median time of each implementation under each runtime, from that runtime\'s own runs, with its ' +
  'ratio to the same implementation under the baseline runtime; rows without a JavaScript runtime of their own ' +
  '(go-goroutines) appear under the baseline only.';
