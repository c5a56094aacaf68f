// The report model → one self-contained HTML page. plotly.js is inlined and the chart specs travel as JSON, so the
// page opens from file:// with no network. Every piece of text from a results file is escaped.
import { FOOTNOTE, HEADER } from '../output/format.js';

const ROW_HEADER = HEADER.indexOf('implementation');
const NAME_COLUMNS = HEADER.indexOf('kind') + 1;
import type { ChartSpec } from './charts.js';
import { allCharts, type CapabilityMatrix, type Fact, type MachineSection, type ReportModel, type ScenarioSection } from './model.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Text inside <script> ends at the first "</script"; a JS string or regex reads "<\/" the same as "</". */
function scriptSafe(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

/** JSON inside <script type="application/json">: no "<" at all, so no markup can close it. */
function jsonInScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const CSS = `
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg-alt: #f6f8fa; --ok: #1a7f37; --bad: #cf222e; --skip: #6e7781; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main, footer { max-width: 1280px; margin: 0 auto; padding: 0 16px; }
h1 { font-size: 1.6rem; margin: 20px 0 4px; }
h2 { font-size: 1.35rem; margin: 36px 0 8px; padding-top: 8px; border-top: 2px solid var(--line); }
h3 { font-size: 1.15rem; margin: 28px 0 8px; }
h4 { font-size: 1rem; margin: 20px 0 6px; }
p, li, dd { overflow-wrap: anywhere; }
.muted, .footnote { color: var(--muted); }
.footnote { font-size: 0.85rem; }
nav ul { padding-left: 20px; margin: 4px 0; }
.warnings { border-left: 4px solid var(--bad); background: #fff5f5; padding: 8px 12px; margin: 12px 0; }
.warnings ul { margin: 4px 0; padding-left: 20px; }
.key { display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 0; list-style: none; margin: 8px 0; }
.key li { white-space: nowrap; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; vertical-align: -0.1em; margin-right: 4px; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { background: var(--bg-alt); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:last-child td { border-bottom: none; }
tr.state-skipped td { color: var(--skip); }
tr.state-errored td { color: var(--bad); }
table.capability td { white-space: normal; min-width: 10em; max-width: 26em; }
td.cap-completed { color: var(--ok); }
td.cap-errored { color: var(--bad); }
td.cap-skipped, td.cap-absent { color: var(--skip); }
ul.notes { margin: 6px 0; padding-left: 20px; font-size: 0.9rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; font-size: 0.9rem; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); gap: 12px; margin: 12px 0; }
.chart-box { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 4px; min-width: 0; }
.chart-box.wide { grid-column: 1 / -1; }
.chart { width: 100%; height: 380px; }
figcaption { font-size: 0.85rem; color: var(--muted); padding: 2px 8px 6px; }
details { margin: 8px 0; }
summary { cursor: pointer; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  header, main, footer { padding: 0 10px; }
  h1 { font-size: 1.3rem; }
  h2 { font-size: 1.15rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 4px; }
  .chart { height: 320px; }
}
`;

/**
 * Draws each chart as it comes near the viewport, so a page of a hundred charts opens as fast as its first screen.
 * Marks the body when the first screen is drawn (data-first-view) and when every chart is (data-rendered);
 * window.reportDrawAll() draws the rest at once, for printing, screenshots and tests.
 */
const RENDER_JS = `
(function () {
  var specs = JSON.parse(document.getElementById('report-charts').textContent);
  var byId = {};
  specs.forEach(function (s) { byId[s.id] = s; });
  var config = { responsive: true, displaylogo: false };
  var started = {};
  var drawn = 0;
  function fail(error) {
    document.body.setAttribute('data-render-error', String(error));
    console.error('report: a chart failed to render', error);
  }
  function draw(id) {
    if (!started[id]) {
      started[id] = Plotly.newPlot(id, byId[id].data, byId[id].layout, config).then(function () {
        drawn++;
        if (drawn === specs.length) {
          window.reportRenderedMs = performance.now();
          document.body.setAttribute('data-rendered', String(specs.length));
        }
      }, fail);
    }
    return started[id];
  }
  function firstView(promises) {
    Promise.all(promises).then(function () {
      window.reportFirstViewMs = performance.now();
      document.body.setAttribute('data-first-view', String(promises.length));
    });
  }
  window.reportDrawAll = function () {
    return Promise.all(specs.map(function (s) { return draw(s.id); }));
  };
  if (!('IntersectionObserver' in window)) {
    firstView([window.reportDrawAll()]);
    return;
  }
  var first = true;
  var observer = new IntersectionObserver(function (entries) {
    var batch = [];
    entries.forEach(function (e) {
      if (!e.isIntersecting) return;
      observer.unobserve(e.target);
      batch.push(draw(e.target.id));
    });
    if (first) {
      first = false;
      firstView(batch);
    }
  }, { rootMargin: '600px 0px' });
  specs.forEach(function (s) { observer.observe(document.getElementById(s.id)); });
  if (specs.length === 0) firstView([]);
})();
`;

function facts(items: readonly Fact[], className = 'facts'): string {
  return `<dl class="${className}">${items.map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd>`).join('')}</dl>`;
}

const WIDE: ReadonlySet<ChartSpec['kind']> = new Set(['memory', 'history', 'scaling']);

function charts(specs: readonly ChartSpec[]): string {
  if (specs.length === 0) return '';
  const boxes = specs.map(
    (c) =>
      `<figure class="chart-box${WIDE.has(c.kind) ? ' wide' : ''}"><div class="chart" id="${escapeHtml(c.id)}" data-kind="${c.kind}" role="img" aria-label="${escapeHtml(c.title)}"></div>` +
      `<figcaption>${escapeHtml(c.caption)}</figcaption></figure>`,
  );
  return `<div class="charts">${boxes.join('')}</div>`;
}

function resultsTable(section: ScenarioSection): string {
  // Rank, implementation and kind are words; the implementation names the row; every later column is a number.
  const head = HEADER.map((h, c) => `<th scope="col"${c >= NAME_COLUMNS ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const body = section.rows
    .map((row) => {
      const cells = row.cells.map((cell, c) => (c === ROW_HEADER ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td${c >= NAME_COLUMNS ? ' class="num"' : ''}>${escapeHtml(cell)}</td>`));
      return `<tr class="state-${row.state}" data-impl="${escapeHtml(row.name)}" data-state="${row.state}">${cells.join('')}</tr>`;
    })
    .join('\n');
  const notes = section.rows.flatMap((r) => (r.note ? r.note.split('\n') : []));
  return [
    `<div class="table-wrap"><table class="results"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`,
    notes.length ? `<ul class="notes">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '',
    `<p class="footnote">${escapeHtml(FOOTNOTE)}</p>`,
  ].join('\n');
}

function history(section: ScenarioSection): string {
  if (section.history.length < 2) return '';
  const items = section.history.map((h) => `<li>${escapeHtml(h.createdAt)}, ${escapeHtml(h.sha)}: ${escapeHtml(h.file)}</li>`);
  return [
    `<h4>History</h4>`,
    ...section.historyNotes.map((n) => `<p class="muted">${escapeHtml(n)}</p>`),
    `<details><summary>${section.history.length} results files of ${escapeHtml(section.scenarioId)} on this machine</summary><ul>${items.join('')}</ul></details>`,
  ].join('\n');
}

function scenarioHtml(section: ScenarioSection): string {
  const main = section.charts.filter((c) => c.kind !== 'history');
  const trend = section.charts.filter((c) => c.kind === 'history');
  return `<section class="scenario" id="${section.anchor}" data-scenario="${escapeHtml(section.scenarioId)}">
<h3>Scenario ${escapeHtml(section.scenarioId)}: ${escapeHtml(section.description)}</h3>
${facts(section.facts)}
${resultsTable(section)}
${charts(main)}
<h4>Environment</h4>
${facts(section.env)}
<p><span class="muted">libraries:</span> ${section.libraries.length ? section.libraries.map(escapeHtml).join(', ') : 'none recorded'}</p>
${history(section)}
${charts(trend)}
</section>`;
}

function capabilityHtml(matrix: CapabilityMatrix): string {
  const head = ['implementation', ...matrix.scenarios].map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  const rows = matrix.rows.map(
    (row) =>
      `<tr data-impl="${escapeHtml(row.name)}"><th scope="row">${escapeHtml(row.name)}</th>${row.cells
        .map((cell) => `<td class="cap-${cell.state}" data-state="${cell.state}">${escapeHtml(cell.text)}</td>`)
        .join('')}</tr>`,
  );
  return `<div class="table-wrap"><table class="capability"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function machineHtml(machine: MachineSection): string {
  return `<section class="machine" id="${machine.anchor}">
<h2>Machine: ${escapeHtml(machine.label)}</h2>
<p class="muted">${machine.fileCount} results file${machine.fileCount === 1 ? '' : 's'}. Results from other machines are in their own sections, never combined with these.</p>
<h3>What ran where</h3>
<p class="muted">Newest results file of each scenario on this machine.</p>
${capabilityHtml(machine.capability)}
${machine.sections.map(scenarioHtml).join('\n')}
${machine.charts.length ? `<h3>Scaling</h3>\n${charts(machine.charts)}` : ''}
</section>`;
}

function nav(model: ReportModel): string {
  const items = model.machines.map(
    (m) =>
      `<li><a href="#${m.anchor}">${escapeHtml(m.label)}</a>: ${m.sections
        .map((s) => `<a href="#${s.anchor}">${escapeHtml(s.scenarioId)}</a>`)
        .join(', ')}</li>`,
  );
  return `<nav aria-label="contents"><ul>${items.join('')}</ul></nav>`;
}

function warningsHtml(warnings: readonly string[]): string {
  if (warnings.length === 0) return '';
  return `<div class="warnings" role="note"><strong>${warnings.length} file${warnings.length === 1 ? '' : 's'} skipped:</strong><ul>${warnings
    .map((w) => `<li>${escapeHtml(w)}</li>`)
    .join('')}</ul></div>`;
}

export function renderHtml(model: ReportModel, plotlyJs: string): string {
  const key = model.colors.map(([name, color]) => `<li><span class="swatch" style="background:${escapeHtml(color)}"></span>${escapeHtml(name)}</li>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>poolbench report</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>poolbench report</h1>
<p class="muted">Generated ${escapeHtml(model.generatedAt)} from ${model.fileCount} results file${model.fileCount === 1 ? '' : 's'}. Times are wall time from first submit to last completion; each run is a fresh process.</p>
${warningsHtml(model.warnings)}
${nav(model)}
<ul class="key" aria-label="implementation colours">${key.join('')}</ul>
</header>
<main>
${model.machines.map(machineHtml).join('\n')}
</main>
<footer><p class="footnote">Made by <code>pnpm report</code>. Charts by plotly.js, inlined; the page needs no network.</p></footer>
<script>${scriptSafe(plotlyJs)}</script>
<script type="application/json" id="report-charts">${jsonInScript(allCharts(model))}</script>
<script>${RENDER_JS}</script>
</body>
</html>
`;
}
