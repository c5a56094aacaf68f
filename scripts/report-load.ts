// `node dist/scripts/report-load.js [--loads 7] [results file or folder]...`: what the inlined plotly.js build costs
// the report page. Writes the page twice from the same results files (default: results/), once with the full
// unminified plotly.js-dist bundle and once with the minified cartesian build the report ships, then opens each in
// Debian's Chromium (as test/report-browser.test.ts does), alternating which goes first, and prints each page's size
// and the median times to its first paint, to its scripts having run and to its first screen of charts. A dev tool,
// not part of `pnpm report`; the figures in results/notes/report-size.txt come from it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { errors } from '../core/errors.js';
import { resultsDir } from '../core/paths.js';
import { parseFlags } from '../harness/cli/flags.js';
import { runCli } from '../harness/cli/run-cli.js';
import { median } from '../harness/stats/stats.js';
import { defaultPlotlyBundle, writeReport, type PlotlyBundle } from '../harness/report/write.js';

const USAGE = `Usage: node dist/scripts/report-load.js [results file or folder]... [--loads N]

  Compares the report page with the full and the minified cartesian plotly.js inlined: size and first-screen draw time.
  inputs       results files, or folders searched for *.json (default: results/)
  --loads, -n  page loads per variant, alternating (default 7; at least 5, so the median means something)`;

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const MAX_LOADS = 50;

interface Variant {
  label: string;
  plotly: PlotlyBundle;
  file: string;
  bytes: number;
  firstContentfulPaintMs: number[];
  domContentLoadedMs: number[];
  firstViewMs: number[];
}

/** One load's timings, all in ms since navigation started (performance.now() in the page). */
interface LoadTiming {
  /** The first paint with content: the page's text, before its scripts have run. */
  firstContentfulPaintMs: number;
  /** The inline scripts (plotly.js first) parsed and run. */
  domContentLoadedMs: number;
  /** Every chart of the first screen drawn (the page sets window.reportFirstViewMs). */
  firstViewMs: number;
  /** Charts drawn at that moment. */
  charts: number;
}

function isLoadTiming(value: unknown): value is LoadTiming {
  const v = value as Partial<LoadTiming> | null;
  return typeof v?.firstContentfulPaintMs === 'number' && typeof v.domContentLoadedMs === 'number' && typeof v.firstViewMs === 'number' && typeof v.charts === 'number';
}

/** Opens the page in a fresh context (no cache shared with the previous load) and waits for its first screen. */
async function loadOnce(browser: Browser, file: string): Promise<LoadTiming> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('request', (r) => {
      if (!/^(file|data|blob):/.test(r.url())) problems.push(`network request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-first-view], body[data-render-error]', { timeout: 120_000 });
    const renderError = await page.getAttribute('body', 'data-render-error');
    if (renderError !== null) problems.push(`render error: ${renderError}`);
    if (problems.length) throw new Error(`${file} did not draw cleanly:\n${problems.join('\n')}`);
    const timing: unknown = await page.evaluate(`({
      firstContentfulPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      domContentLoadedMs: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
      firstViewMs: window.reportFirstViewMs,
      charts: document.querySelectorAll('.js-plotly-plot').length,
    })`);
    if (!isLoadTiming(timing)) throw new Error(`${file}: the page reported no timings (${JSON.stringify(timing)})`);
    return timing;
  } finally {
    await context.close();
  }
}

const ms = (values: readonly number[]) => values.map((v) => Math.round(v)).join(', ');

async function main(argv: string[]): Promise<void> {
  const parsed = parseFlags(argv, { loads: { type: 'string', short: 'n' }, help: { type: 'boolean', short: 'h' } }, true);
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const loads = Number(parsed.values.loads ?? 7);
  if (!Number.isInteger(loads) || loads < 5 || loads > MAX_LOADS) throw errors.invalidFlag('loads', parsed.values.loads, `an integer from 5 to ${MAX_LOADS}`);
  if (!existsSync(CHROMIUM)) throw errors.unreadableFile(CHROMIUM, 'missing; install Debian\'s chromium with "apt-get update && apt-get install -y chromium"');
  const inputs = parsed.positionals.length ? parsed.positionals : [resultsDir];

  const dir = mkdtempSync(join(tmpdir(), 'poolbench-report-load-'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const variants: Variant[] = [
      { label: 'full plotly.js-dist/plotly.js', plotly: { packageName: 'plotly.js-dist', file: 'plotly.js' } },
      { label: `${defaultPlotlyBundle.packageName}/${defaultPlotlyBundle.file} (shipped)`, plotly: defaultPlotlyBundle },
    ].map(({ label, plotly }, n) => {
      // The same generation time for both, so the pages differ only in the inlined bundle.
      const report = writeReport(inputs, join(dir, `report-${n}.html`), { plotly, warn: () => {}, generatedAt: new Date(0) });
      return { label, plotly, file: report.file, bytes: report.bytes, firstContentfulPaintMs: [], domContentLoadedMs: [], firstViewMs: [] };
    });
    process.stdout.write(`inputs: ${inputs.join(', ')}; ${loads} loads per variant, alternating order, fresh browser context per load\n`);
    for (let load = 0; load < loads; load++) {
      const order = load % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) {
        const timing = await loadOnce(browser, variant.file);
        variant.firstContentfulPaintMs.push(timing.firstContentfulPaintMs);
        variant.domContentLoadedMs.push(timing.domContentLoadedMs);
        variant.firstViewMs.push(timing.firstViewMs);
        process.stdout.write(
          `load ${load + 1}/${loads} ${variant.label}: text painted by ${Math.round(timing.firstContentfulPaintMs)} ms, ` +
            `scripts run by ${Math.round(timing.domContentLoadedMs)} ms, ` +
            `first screen (${timing.charts} charts) drawn by ${Math.round(timing.firstViewMs)} ms\n`,
        );
      }
    }
    for (const v of variants) {
      process.stdout.write(
        `${v.label}: page ${v.bytes} bytes (${(v.bytes / 1024 / 1024).toFixed(2)} MiB); ` +
          `first contentful paint, median ${Math.round(median(v.firstContentfulPaintMs))} ms [${ms(v.firstContentfulPaintMs)}]; ` +
          `scripts run (DOMContentLoaded), median ${Math.round(median(v.domContentLoadedMs))} ms [${ms(v.domContentLoadedMs)}]; ` +
          `first screen drawn, median ${Math.round(median(v.firstViewMs))} ms [${ms(v.firstViewMs)}]\n`,
      );
    }
    const [full, shipped] = variants as [Variant, Variant];
    process.stdout.write(
      `shipped / full: size ${(shipped.bytes / full.bytes).toFixed(3)}, ` +
        `median first-screen time ${(median(shipped.firstViewMs) / median(full.firstViewMs)).toFixed(3)}\n`,
    );
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await runCli(() => main(process.argv.slice(2)));
