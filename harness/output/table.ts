// The one table renderer: a header and rows of cells, as aligned text for a terminal or as a Markdown table.
// The results table, the gate's verdicts and the sweep grids all go through it.

export interface Table {
  header: readonly string[];
  rows: ReadonlyArray<readonly string[]>;
  /** The first this many columns (names, labels) are left-aligned; the rest (numbers) right-aligned. */
  leftColumns: number;
  /** A line of ─ under the header in text; Markdown always has its separator row. */
  rule?: boolean;
}

function isLeft(table: Table, column: number): boolean {
  return column < table.leftColumns;
}

/** Columns two spaces apart, each as wide as its widest cell; lines carry no trailing spaces. */
export function textTable(table: Table): string {
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    widths.map((w, c) => (isLeft(table, c) ? (cells[c] ?? '').padEnd(w) : (cells[c] ?? '').padStart(w))).join('  ').trimEnd();
  return [
    line(table.header),
    ...(table.rule ? [widths.map((w) => '─'.repeat(w)).join('  ')] : []),
    ...table.rows.map(line),
  ].join('\n');
}

/** A pipe in a cell would end it early. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** GitHub-flavoured Markdown; right-aligned columns get `---:`. */
export function markdownTable(table: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  return [
    line(table.header),
    `|${table.header.map((_, c) => (isLeft(table, c) ? ' --- ' : ' ---: ')).join('|')}|`,
    ...table.rows.map(line),
  ].join('\n');
}
