// The capability table of docs/implementations.md, rendered from the registry's own data (impls/registry.ts
// capabilityTable, labels from impls/capabilities.ts), so the page cannot drift from what canRun decides.
import { CAPABILITY_LABELS, type CapabilityColumn, type CapabilityRow } from '../../impls/capabilities.js';
import { markdownTable } from '../output/table.js';

const COLUMNS = Object.keys(CAPABILITY_LABELS) as CapabilityColumn[];

/**
 * A Markdown table (yes / no / n/a or the setting, per implementation and capability), then the reason behind every
 * "no", each reason once with the implementations that give it, so the table stays narrow enough to read.
 */
export function capabilityMarkdown(rows: readonly CapabilityRow[]): string {
  const table = markdownTable({
    header: ['implementation', 'kind', ...COLUMNS.map((c) => CAPABILITY_LABELS[c])],
    rows: rows.map((row) => [`\`${row.name}\``, row.kind, ...COLUMNS.map((c) => row.cells[c].value)]),
    leftColumns: 2 + COLUMNS.length,
  });
  const reasons = new Map<string, string[]>();
  for (const column of COLUMNS) {
    for (const row of rows) {
      const reason = row.cells[column].reason;
      if (reason === undefined) continue;
      const key = `${CAPABILITY_LABELS[column]}\u0000${reason}`;
      reasons.set(key, [...(reasons.get(key) ?? []), row.name]);
    }
  }
  const notes = [...reasons.entries()].map(([key, names]) => {
    const [label, reason] = key.split('\u0000') as [string, string];
    return `- ${label}: no for ${names.map((n) => `\`${n}\``).join(', ')} — ${reason}`;
  });
  return notes.length ? `${table}\n\n${notes.join('\n')}` : table;
}
