// Results files → report.html on disk. Shared by `pnpm report` and the end of `pnpm bench`.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { errors } from '../../core/errors.js';
import { resultsDir } from '../../core/paths.js';
import { trackTemporary, untrackTemporary } from '../../core/temp-files.js';
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

/** A plotly.js build the page can inline: a package and the browser bundle inside it. */
export interface PlotlyBundle {
  packageName: string;
  /** The bundle's path inside the package. */
  file: string;
}

/**
 * The minified cartesian partial build (1.5 MB against 10 MB for the full unminified plotly.js-dist), so the page
 * stays under 3 MB. It has every trace type charts.ts draws (scatter, bar, box; also histogram, heatmap, violin, pie
 * and a few more); a type missing from it would silently draw as scatter, which the browser test catches.
 */
export const defaultPlotlyBundle: PlotlyBundle = { packageName: 'plotly.js-cartesian-dist-min', file: 'plotly-cartesian.min.js' };

export interface ReportOptions {
  /** Where each skipped file is announced; stderr by default. */
  warn?: (message: string) => void;
  generatedAt?: Date;
  /** The plotly.js build to inline; defaultPlotlyBundle unless comparing builds (scripts/report-load.ts). */
  plotly?: PlotlyBundle;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function plotlySource(bundle: PlotlyBundle = defaultPlotlyBundle): string {
  let file: string;
  try {
    file = createRequire(import.meta.url).resolve(`${bundle.packageName}/${bundle.file}`);
  } catch {
    throw errors.missingDependency(bundle.packageName);
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
  const html = renderHtml(model, plotlySource(options.plotly));
  if (isDirectory(out)) throw errors.invalidFlag('out', out, `a file path, not a folder (for example ${join(out, 'report.html')})`);
  // A reader with the old report open keeps a whole file; it never sees a half-written one.
  const tmp = `${out}.${process.pid}.tmp`;
  trackTemporary(tmp);
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(tmp, html);
    renameSync(tmp, out);
  } catch (error) {
    throw errors.invalidFlag('out', out, `a file that can be written (writing it failed with ${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  } finally {
    rmSync(tmp, { force: true });
    untrackTemporary(tmp);
  }
  return { file: out, bytes: Buffer.byteLength(html), files: loaded.length, charts: allCharts(model).length, warnings };
}
