// The output module: every way a results file can be printed, one renderer per format name. `pnpm bench`,
// `pnpm table` and `pnpm export` take their --format names (and their help and errors) from `renderers`.
// Renderers only read results files; measuring happens elsewhere.
import { errors } from '../../core/errors.js';
import { type ResultsFile } from '../results/schema.js';
import { toBencherMetricFormat, toGithubBenchmark } from './exporters.js';
import { renderMarkdown, renderTable } from './results-table.js';

export { buildRows, FOOTNOTE, HEADER, renderMarkdown, renderTable, type Row } from './results-table.js';

/** One file or several (`pnpm table a.json b.json`); a renderer always gets them as a list. */
export type Renderer = (files: readonly ResultsFile[]) => string;

const json = (value: unknown): string => JSON.stringify(value, null, 2);

export const renderers = {
  /** Aligned columns for a terminal, one table per file. */
  table: (files) => files.map(renderTable).join('\n\n'),
  /** Markdown, one table per file (a README, a pull request, $GITHUB_STEP_SUMMARY). */
  md: (files) => files.map(renderMarkdown).join('\n\n'),
  /** The results file itself; several files as one array, so the output stays one JSON document. */
  json: (files) => (files.length === 1 ? JSON.stringify(files[0], null, 1) : JSON.stringify(files, null, 1)),
  /** github-action-benchmark's customSmallerIsBetter: one array over all files. */
  'github-action-benchmark': (files) => json(toGithubBenchmark(files)),
  /** Bencher Metric Format: one object over all files. */
  bencher: (files) => json(toBencherMetricFormat(files)),
} as const satisfies Record<string, Renderer>;

export type Format = keyof typeof renderers;
export const FORMATS = Object.keys(renderers) as Format[];

/** One line per format for a command's --help. */
const FORMAT_HELP: Readonly<Record<Format, string>> = {
  table: 'aligned text for a terminal',
  md: 'Markdown',
  json: 'the results file (several: one array)',
  'github-action-benchmark': "github-action-benchmark's customSmallerIsBetter JSON",
  bencher: 'Bencher Metric Format JSON',
};

export function formatHelp(indent: string): string {
  const width = Math.max(...FORMATS.map((f) => f.length));
  return FORMATS.map((f) => `${indent}${f.padEnd(width)}  ${FORMAT_HELP[f]}`).join('\n');
}

export function isFormat(value: string): value is Format {
  return Object.hasOwn(renderers, value);
}

/** The --format flag's value, or an error naming the value and every format. */
export function parseFormat(value: string | undefined): Format {
  if (value === undefined) throw errors.missingFlag('format', FORMATS.join(' | '));
  if (!isFormat(value)) throw errors.invalidFlag('format', value, FORMATS.join(' | '));
  return value;
}

/** Formats made for people (the others print JSON for tools; a sweep grid would break it). */
export function isReadableFormat(format: Format): boolean {
  return format === 'table' || format === 'md';
}

export function render(results: ResultsFile | readonly ResultsFile[], format: Format): string {
  const files: readonly ResultsFile[] = Array.isArray(results) ? results : [results as ResultsFile];
  return renderers[format](files);
}
