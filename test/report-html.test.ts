import { describe, expect, it } from 'vitest';
import type { LoadedResults } from '../harness/report/load.js';
import { escapeHtml, renderHtml } from '../harness/report/html.js';
import { buildReportModel } from '../harness/report/model.js';
import { completed, fixtureResults, standardFixtures } from './report-fixtures.js';

const loaded = (files = standardFixtures()): LoadedResults[] => files.map((results, n) => ({ file: `f${n}.json`, results }));

describe('report HTML', () => {
  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('keeps markup in names out of both the page and the chart JSON', () => {
    const nasty = '</script><b>x</b>';
    const html = renderHtml(
      buildReportModel(loaded([fixtureResults({ id: 'esc', createdAt: '2026-01-01T00:00:00.000Z', implementations: [completed(nasty, [1, 2, 3])] })])),
      '/* plotly */',
    );
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;');
    expect(html).toContain('\\u003c/script>\\u003cb>x\\u003c/b>');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it('inlines the chart library so that it cannot close its own script element', () => {
    const html = renderHtml(buildReportModel(loaded()), 'var s = "</script>"; window.Plotly = {};');
    expect(html).toContain('var s = "<\\/script>"; window.Plotly = {};');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });

  it('has one table row per implementation with its state, one chart element per chart spec, and the warnings', () => {
    const model = buildReportModel(loaded(), { warnings: ['x.json: malformed JSON (oops); file skipped'] });
    const html = renderHtml(model, '');
    expect(html.match(/<tr class="state-[a-z]+" data-impl="[^"]+" data-state="[a-z]+">/g)).toHaveLength(8);
    expect(html).toContain('<tr class="state-errored" data-impl="delta" data-state="errored">');
    expect(html.match(/<div class="chart" id=/g)).toHaveLength(11); // alpha's trends: wall, heap, CPU per task
    expect(html).toContain('<li>x.json: malformed JSON (oops); file skipped</li>');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });
});
