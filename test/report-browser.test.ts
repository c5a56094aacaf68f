// Opens generated reports in Debian's Chromium: every chart drawn with the expected traces, the tables match the
// results files, nothing logged as an error, nothing fetched. With POOLBENCH_DOCS_SCREENSHOT=1 it also refreshes docs/report.png from the real results/.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRows } from '../harness/output/format.js';
import { projectRoot, resultsDir } from '../core/paths.js';
import { loadResults } from '../harness/report/load.js';
import { allCharts, buildReportModel } from '../harness/report/model.js';
import { writeReport } from '../harness/report/write.js';
import { NASTY_REASON, REPORT_SIZE_LIMIT, standardFixtures, writeFixtures } from './report-fixtures.js';
import { tempDir } from './helpers.js';

// The page's globals as these callbacks use them: the project compiles without the DOM lib, and declaring them here
// keeps them out of every other file.
interface PageElement {
  id: string;
  /** The traces as given, and as Plotly drew them (a type the inlined bundle lacks is drawn as 'scatter'). */
  data: { type?: string }[];
  _fullData: { type: string }[];
  textContent: string | null;
  scrollWidth: number;
  clientWidth: number;
  querySelector(selector: string): PageElement | null;
  getBoundingClientRect(): { width: number };
}
declare const document: {
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  querySelector(selector: string): PageElement | null;
  documentElement: PageElement;
};
declare const window: { innerWidth: number; reportRenderedMs: number; reportFirstViewMs: number; reportDrawAll: () => Promise<unknown> };

const CHROMIUM = '/usr/bin/chromium';
// Locally a missing browser skips the test with a message; in CI (which installs chromium) it must run, and fails if absent.
const skip = !existsSync(CHROMIUM) && !process.env.CI;
if (skip) {
  console.warn(`report browser test skipped: ${CHROMIUM} is missing; install it with "apt-get update && apt-get install -y chromium"`);
}

const outputDir = join(projectRoot, 'test-output');
const docsDir = join(projectRoot, 'docs');

interface Opened {
  page: Page;
  /** Console errors, page errors, failed requests and any request that left file://. */
  problems: string[];
}

interface PlotInfo {
  id: string;
  traces: number;
  /** Each trace's type as given, then as drawn. */
  types: string[];
  drawnTypes: string[];
  title: string;
  xTitle: string;
  yTitle: string;
  width: number;
}

describe.skipIf(skip)(`the report in Chromium (${CHROMIUM})`, () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(file: string, viewport = { width: 1280, height: 900 }): Promise<Opened> {
    const page = await browser.newPage({ viewport });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('request', (r) => {
      if (!/^(file|data|blob):/.test(r.url())) problems.push(`network request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(file).href);
    // Charts draw as they near the viewport: wait for the first screen, then draw the rest for the checks.
    await page.waitForSelector('body[data-first-view], body[data-render-error]', { timeout: 45_000 });
    await page.evaluate(() => window.reportDrawAll());
    await page.waitForSelector('body[data-rendered], body[data-render-error]', { timeout: 45_000 });
    return { page, problems };
  }

  const plots = (page: Page): Promise<PlotInfo[]> =>
    page.evaluate(() =>
      [...document.querySelectorAll('.js-plotly-plot')].map((el) => ({
        id: el.id,
        traces: el.data.length,
        types: el.data.map((t) => t.type ?? 'scatter'),
        drawnTypes: el._fullData.map((t) => t.type),
        title: el.querySelector('.gtitle')?.textContent ?? '',
        xTitle: el.querySelector('.xtitle')?.textContent ?? '',
        yTitle: el.querySelector('.ytitle')?.textContent ?? '',
        width: el.getBoundingClientRect().width,
      })),
    );

  function fixtureReport(): { dir: string; file: string; warnings: string[] } {
    const dir = tempDir('poolbench-report-browser-');
    writeFixtures(dir, standardFixtures());
    writeFileSync(join(dir, 'alpha', 'corrupt.json'), JSON.stringify(standardFixtures()[0]).slice(0, 300));
    const warnings: string[] = [];
    const { file } = writeReport([dir], join(dir, 'report.html'), { warn: (w) => warnings.push(w) });
    return { dir, file, warnings };
  }

  it('draws every chart of the fixture report with its traces, titles and axis titles, and matches the tables to the files', async () => {
    const { dir, file, warnings } = fixtureReport();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/corrupt\.json: malformed JSON .*; file skipped$/);

    const { page, problems } = await open(file);
    expect(await page.getAttribute('body', 'data-render-error')).toBeNull();
    const expected = allCharts(buildReportModel(loadResults([dir]).loaded));
    const drawn = await plots(page);
    expect(drawn.map((p) => `${p.id}:${p.traces}`)).toEqual([
      'm0-s0-time:2', 'm0-s0-heap:1', 'm0-s0-rss:1', 'm0-s0-memory:2',
      'm0-s0-history-wall:2', 'm0-s0-history-heap:2', 'm0-s0-history-cpu:2',
      'm0-s1-time:2', 'm0-s1-heap:1', 'm0-s1-rss:1', 'm0-s1-memory:2',
    ]);
    expect(drawn.map((p) => [p.id, p.traces, p.title])).toEqual(expected.map((c) => [c.id, c.data.length, c.title]));
    for (const p of drawn) {
      expect(p.xTitle, p.id).not.toBe('');
      expect(p.yTitle, p.id).toMatch(/\((s|MB|ms|µs|count)(?![\w])/);
    }
    // The inlined partial plotly.js build knows every trace type the charts use: it would draw an unknown one as scatter.
    expect(new Set(drawn.flatMap((p) => p.types))).toEqual(new Set(['box', 'bar', 'scatter']));
    expect(drawn.map((p) => p.drawnTypes)).toEqual(drawn.map((p) => p.types));

    // The HTML tables: one row per implementation of the newest file, in the terminal table's order and states.
    const newest = { alpha: standardFixtures()[1]!, beta: standardFixtures()[2]! };
    for (const [scenario, results] of Object.entries(newest)) {
      const rows = await page.$$eval(`section[data-scenario="${scenario}"] table.results tbody tr`, (trs) =>
        trs.map((tr) => [tr.getAttribute('data-impl'), tr.getAttribute('data-state'), ...[...tr.children].map((c) => c.textContent)]),
      );
      expect(rows).toEqual(buildRows(results).map((r) => [r.name, r.state, ...r.cells]));
      expect(rows.map((r) => `${r[0]}:${r[1]}`).sort()).toEqual(results.implementations.map((i) => `${i.name}:${i.state}`).sort());
    }
    const capability = await page.$$eval('table.capability td', (tds) => tds.map((td) => td.getAttribute('data-state')));
    expect(capability).toEqual(['errored', 'errored', 'completed', 'completed', 'skipped', 'skipped', 'completed', 'completed']);

    // Text from the files is shown as text: the reason's <img> is visible, not an element.
    expect(await page.locator('body').innerText()).toContain(NASTY_REASON);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('.warnings').innerText()).toContain('corrupt.json');

    mkdirSync(outputDir, { recursive: true });
    await page.screenshot({ path: join(outputDir, 'report.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('fits a phone: no sideways page scroll, the wide table scrolls in its own box, charts fit the screen', async () => {
    const { file } = fixtureReport();
    const { page, problems } = await open(file, { width: 390, height: 844 });
    const layout = await page.evaluate(() => {
      const wrap = document.querySelector('.table-wrap:has(table.results)')!;
      return {
        pageWidth: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        tableScrolls: wrap.scrollWidth > wrap.clientWidth,
      };
    });
    expect(layout.pageWidth).toBeLessThanOrEqual(layout.viewport);
    expect(layout.tableScrolls).toBe(true);
    for (const p of await plots(page)) expect(p.width, p.id).toBeLessThanOrEqual(layout.viewport);
    expect(problems).toEqual([]);
    await page.close();
  });

  // The README's screenshot is refreshed only on request, so running the tests never rewrites a tracked file.
  const screenshotDir = process.env.POOLBENCH_DOCS_SCREENSHOT ? docsDir : outputDir;

  it('renders the real results/ folder; saves a screenshot and prints the page size and load time', async () => {
    const out = join(outputDir, 'report-results.html');
    const report = writeReport([resultsDir], out, { warn: () => {} });
    expect(report.bytes).toBeLessThan(REPORT_SIZE_LIMIT);
    const expected = allCharts(buildReportModel(loadResults([resultsDir]).loaded));
    const times: number[] = [];
    const allTimes: number[] = [];
    for (let load = 0; load < 3; load++) {
      const { page, problems } = await open(out);
      const drawn = await plots(page);
      expect(drawn.map((p) => `${p.id}:${p.traces}`)).toEqual(expected.map((c) => `${c.id}:${c.data.length}`));
      expect(drawn.map((p) => p.drawnTypes)).toEqual(drawn.map((p) => p.types));
      expect(problems).toEqual([]);
      times.push(await page.evaluate(() => window.reportFirstViewMs));
      allTimes.push(await page.evaluate(() => window.reportRenderedMs));
      if (load === 0) {
        mkdirSync(screenshotDir, { recursive: true });
        // The top of the page (overview, capability table, first scenario): the whole page is over 70,000 px tall.
        await page.screenshot({ path: join(screenshotDir, 'report.png'), clip: { x: 0, y: 0, width: 1280, height: 3000 } });
      }
      await page.close();
    }
    expect(existsSync(join(screenshotDir, 'report.png'))).toBe(true);
    // Reported, never asserted: timings depend on the machine (see README, "No test checks a timing").
    const median3 = (values: number[]) => Math.round([...values].sort((a, b) => a - b)[1]!);
    const metrics = {
      file: out,
      bytes: report.bytes,
      megabytes: Number((report.bytes / 1024 / 1024).toFixed(2)),
      resultsFiles: report.files,
      charts: report.charts,
      firstViewMs: times.map((t) => Math.round(t)),
      medianFirstViewMs: median3(times),
      allDrawnMs: allTimes.map((t) => Math.round(t)),
      medianAllDrawnMs: median3(allTimes),
    };
    writeFileSync(join(outputDir, 'report-metrics.json'), `${JSON.stringify(metrics, null, 1)}\n`);
    console.log(
      `report of results/: ${metrics.megabytes} MB, ${metrics.charts} charts from ${metrics.resultsFiles} results files; ` +
        `first screen drawn ${metrics.medianFirstViewMs} ms after navigation (median of 3 loads: ${metrics.firstViewMs.join(', ')} ms); ` +
        `every chart, when all are asked for at once, by ${metrics.medianAllDrawnMs} ms (${metrics.allDrawnMs.join(', ')} ms)`,
    );
  }, 180_000);
});
