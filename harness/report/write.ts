// Results files → report.html on disk. Shared by `pnpm report` and the end of `pnpm bench`.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { errors } from '../../core/errors.js';
import { resultsDir } from '../../core/paths.js';
import { renderHtml } from './html.js';
import { loadResults } from './load.js';
import { allCharts, buildReportModel } from './model.js';

export const defaultReportFile = join(resultsDir, 'report.html');

export interface ReportOutcome {
  file: string;
  bytes: number;
  /** Results files the report was built from. */
  files: number;
  charts: number;
  warnings: string[];
}

export interface ReportOptions {
  /** Where each skipped file is announced; stderr by default. */
  warn?: (message: string) => void;
  generatedAt?: Date;
}

function plotlySource(): string {
  let file: string;
  try {
    file = createRequire(import.meta.url).resolve('plotly.js-dist/plotly.js');
  } catch {
    throw errors.missingDependency('plotly.js-dist');
  }
  return readFileSync(file, 'utf8');
}

/** Builds the page from every results file under `inputs` and writes it to `out` (temporary file, then rename). */
export function writeReport(inputs: readonly string[], out: string = defaultReportFile, options: ReportOptions = {}): ReportOutcome {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
  const { loaded, warnings } = loadResults(inputs);
  for (const warning of warnings) warn(warning);
  if (loaded.length === 0) throw errors.noValidResults(inputs, warnings.length);
  const model = buildReportModel(loaded, { warnings, ...(options.generatedAt ? { generatedAt: options.generatedAt } : {}) });
  const html = renderHtml(model, plotlySource());
  mkdirSync(dirname(out), { recursive: true });
  // A reader with the old report open keeps a whole file; it never sees a half-written one.
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, html);
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }
  return { file: out, bytes: Buffer.byteLength(html), files: loaded.length, charts: allCharts(model).length, warnings };
}
