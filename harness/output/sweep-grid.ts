// Sweeps: one results file per grid point; this turns a set of them into compact grids (time, heap) with the
// ideal per point, and a one-line growth reading per implementation.
import { pointLabel } from '../../scenarios/schema.js';
import { type ImplementationResult, type ResultsFile } from '../results/schema.js';
import { textTable } from './table.js';

const MB = 1024 * 1024;

export interface SweepCell {
  wallMs: number;
  heapBytes: number;
  idealMs: number | null;
  /** Tasks this implementation really ran at the point (fewer when it scaled down). */
  tasks: number;
}

export interface SweepGrid {
  sweepId: string;
  points: string[];
  ideals: Array<number | null>;
  rows: Array<{ name: string; cells: Array<SweepCell | string> }>;
}

/** A cell: the median time and heap, or why there is none (skipped, errored). */
function cellOf(impl: ImplementationResult | undefined, ideal: number | null, tasks: number): SweepCell | string {
  if (!impl) return 'not run';
  if (impl.state === 'skipped') return 'skipped';
  if (impl.state === 'errored' || !impl.summary) return 'errored';
  return {
    wallMs: impl.summary.wallMs.median,
    heapBytes: impl.summary.heapPeakBytes.median,
    idealMs: impl.scaled ? (impl.scaled.ideal?.ms ?? null) : ideal,
    tasks: impl.scaled ? impl.scaled.tasks : tasks,
  };
}

/** Files of one sweep, in the order the grid expanded (the runner writes them in that order). */
export function buildSweepGrid(files: readonly ResultsFile[], hide: readonly string[] = []): SweepGrid {
  const first = files[0];
  if (!first) throw new Error('a sweep grid needs at least one results file');
  const names = [...new Set(files.flatMap((f) => f.implementations.map((i) => i.name)))];
  const labelOf = (f: ResultsFile): string => {
    const shown = Object.fromEntries(Object.entries(f.scenario.point ?? {}).filter(([k]) => !hide.includes(k)));
    return Object.keys(shown).length ? pointLabel(shown) : 'base';
  };
  return {
    sweepId: first.scenario.id,
    points: files.map(labelOf),
    ideals: files.map((f) => f.ideal?.ms ?? null),
    rows: names.map((name) => ({ name, cells: files.map((f) => cellOf(f.implementations.find((i) => i.name === name), f.ideal?.ms ?? null, f.scenario.tasks)) })),
  };
}

function timeText(cell: SweepCell | string): string {
  if (typeof cell === 'string') return cell;
  const s = (cell.wallMs / 1000).toFixed(cell.wallMs < 10_000 ? 2 : 1);
  return cell.idealMs ? `${s} (${(cell.wallMs / cell.idealMs).toFixed(1)}×)` : s;
}

function heapText(cell: SweepCell | string): string {
  return typeof cell === 'string' ? cell : (cell.heapBytes / MB).toFixed(1);
}

/**
 * How heap grows along the points, read from the first and last measured cells: 'flat' when it stays within
 * ±50 %, otherwise the ratio beside the ratio of the points' task counts so a reader can see linear growth.
 */
export function growthReading(grid: SweepGrid, name: string): string | null {
  const row = grid.rows.find((r) => r.name === name);
  if (!row) return null;
  const measured = row.cells.flatMap((c, i) => (typeof c === 'string' ? [] : [{ c, i }]));
  if (measured.length < 2) return null;
  const a = measured[0]!;
  const b = measured[measured.length - 1]!;
  const heap = b.c.heapBytes / a.c.heapBytes;
  const time = b.c.wallMs / a.c.wallMs;
  const tasks = b.c.tasks / a.c.tasks;
  const heapWord = heap < 1.5 && heap > 0.67 ? 'flat' : `×${heap.toFixed(1)}`;
  const taskWord = tasks === 1 ? '' : ` for ×${tasks.toFixed(0)} tasks`;
  const times = time < 1 ? time.toPrecision(2) : time.toFixed(1);
  return `${name}: heap ${heapWord}, time ×${times}${taskWord} (${grid.points[a.i]} → ${grid.points[b.i]})`;
}

/** Rows with no measured point are left out of the grids and listed once, with the reason of their first point. */
function neverMeasured(grid: SweepGrid, files: readonly ResultsFile[]): string[] {
  return grid.rows.flatMap((r) => {
    if (r.cells.some((c) => typeof c !== 'string')) return [];
    const first = files.map((f) => f.implementations.find((i) => i.name === r.name)).find((i) => i !== undefined);
    const why = first && first.state !== 'completed' ? `${first.state}: ${first.reason}` : 'not run';
    return [`${r.name}: no point measured (${why})`];
  });
}

/**
 * A sweep over a number (tasks, concurrency) and something else (the producer) reads best as one grid per value of
 * the something else, with the number across: this splits the files that way, keeping the grid order.
 */
export function sweepGroups(files: readonly ResultsFile[]): Array<{ label: string; keys: string[]; files: ResultsFile[] }> {
  const points = files.map((f) => f.scenario.point ?? {});
  const varies = (key: string): boolean => new Set(points.map((p) => String((p as Record<string, unknown>)[key]))).size > 1;
  const axis = (['tasks', 'concurrency'] as const).find((k) => points[0] && k in points[0] && varies(k));
  if (!axis) return [{ label: '', keys: [], files: [...files] }];
  const groups = new Map<string, { label: string; keys: string[]; files: ResultsFile[] }>();
  for (const f of files) {
    const rest = Object.entries(f.scenario.point ?? {}).filter(([k]) => k !== axis);
    const label = rest.map(([k, v]) => `${k}=${String(v)}`).join(' ');
    const group = groups.get(label) ?? { label, keys: rest.map(([k]) => k), files: [] };
    group.files.push(f);
    groups.set(label, group);
  }
  return [...groups.values()];
}

export function renderSweepGrid(files: readonly ResultsFile[]): string {
  const groups = sweepGroups(files);
  if (groups.length > 1) {
    return groups.map((g) => renderOneGrid(g.files, g.keys, ` (${g.label})`)).join('\n\n');
  }
  return renderOneGrid(files, [], '');
}

function renderOneGrid(files: readonly ResultsFile[], hide: readonly string[], title: string): string {
  const all = buildSweepGrid(files, hide);
  const missing = neverMeasured(all, files);
  const grid = { ...all, rows: all.rows.filter((r) => r.cells.some((c) => typeof c !== 'string')) };
  const ideal = ['ideal s', ...grid.ideals.map((ms) => (ms === null ? '—' : (ms / 1000).toFixed(ms < 10_000 ? 2 : 1)))];
  const head = ['implementation', ...grid.points];
  // The implementation names on the left, a number per point to their right.
  const time = textTable({ header: head, rows: [ideal, ...grid.rows.map((r) => [r.name, ...r.cells.map(timeText)])], leftColumns: 1 });
  const heap = textTable({ header: head, rows: grid.rows.map((r) => [r.name, ...r.cells.map(heapText)]), leftColumns: 1 });
  const growth = grid.rows.flatMap((r) => {
    const g = growthReading(grid, r.name);
    return g ? [g] : [];
  });
  return [
    `sweep ${grid.sweepId}${title}: ${files.length} points`,
    '',
    'time median s (× ideal)',
    time,
    '',
    'heap peak median MB',
    heap,
    '',
    ...growth,
    ...(missing.length ? ['', ...missing] : []),
  ].join('\n');
}
