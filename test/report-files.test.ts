import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/errors.js';
import { projectRoot, resultsDir } from '../core/paths.js';
import { findResultsFiles, loadResults } from '../harness/report/load.js';
import { defaultPlotlyBundle, writeReport } from '../harness/report/write.js';
import { NASTY_REASON, REPORT_SIZE_LIMIT, standardFixtures, writeFixtures } from './report-fixtures.js';
import { tempDir, validScenarioJson, writeScenarioFile } from './helpers.js';

/** A folder with the three good fixture files and one bad file of each kind. */
function mixedFolder(): { dir: string; bad: { truncated: string; notJson: string; version: string; badState: string; noHeap: string } } {
  const dir = tempDir('poolbench-report-');
  writeFixtures(dir, standardFixtures());
  const good = JSON.stringify(standardFixtures()[0]);
  mkdirSync(join(dir, 'broken'));
  const bad = {
    truncated: join(dir, 'broken', 'truncated.json'),
    notJson: join(dir, 'broken', 'not-json.json'),
    version: join(dir, 'broken', 'version-2.json'),
    badState: join(dir, 'broken', 'bad-state.json'),
    noHeap: join(dir, 'broken', 'no-heap.json'),
  };
  writeFileSync(bad.truncated, good.slice(0, good.length / 2));
  writeFileSync(bad.notJson, 'hello');
  writeFileSync(bad.version, JSON.stringify({ ...JSON.parse(good), schemaVersion: 2 }));
  const state = JSON.parse(good);
  state.implementations[0].state = 'finished';
  writeFileSync(bad.badState, JSON.stringify(state));
  const noHeap = JSON.parse(good);
  delete noHeap.implementations[1].summary.heapPeakBytes;
  writeFileSync(bad.noHeap, JSON.stringify(noHeap));
  writeFileSync(join(dir, 'notes.txt'), 'not a results file, and not *.json: never read');
  return { dir, bad };
}

describe('finding and reading results files', () => {
  it('expands folders to the *.json files inside, recursively, in name order, each once', () => {
    const { dir } = mixedFolder();
    const files = findResultsFiles([dir, join(dir, 'alpha')]);
    expect(files).toHaveLength(8);
    expect(files.some((f) => f.endsWith('notes.txt'))).toBe(false);
    expect(files.filter((f) => f.includes(`${join(dir, 'alpha')}/`))).toHaveLength(2);
  });

  it('skips a truncated, malformed, unknown-version or ill-shaped file with a warning naming it, and keeps the rest', () => {
    const { dir, bad } = mixedFolder();
    const { loaded, warnings } = loadResults([dir]);
    expect(loaded.map((l) => l.results.scenario.id).sort()).toEqual(['alpha', 'alpha', 'beta']);
    expect(warnings).toHaveLength(5);
    const about = (file: string) => warnings.find((w) => w.includes(file.split('/').pop()!));
    expect(about(bad.truncated)).toMatch(/truncated\.json: malformed JSON \(.*\); file skipped$/);
    expect(about(bad.notJson)).toMatch(/not-json\.json: malformed JSON/);
    expect(about(bad.version)).toMatch(/version-2\.json: schemaVersion is 2; allowed: 1; file skipped$/);
    expect(about(bad.badState)).toMatch(/bad-state\.json: implementations\[0\]\.state is "finished"; allowed: completed \| errored \| skipped/);
    expect(about(bad.noHeap)).toMatch(/no-heap\.json: implementations\[1\]\.summary\.heapPeakBytes\.median is missing; allowed: a number/);
  });

  it('warns about a file that does not exist', () => {
    const { warnings, loaded } = loadResults([join(tempDir(), 'gone.json')]);
    expect(loaded).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/gone\.json: cannot be read \(ENOENT\); file skipped/);
  });
});

describe('writeReport', () => {
  it('writes one self-contained page from the valid files and passes each warning on', () => {
    const { dir } = mixedFolder();
    const out = join(dir, 'out', 'report.html');
    const warned: string[] = [];
    const report = writeReport([dir], out, { warn: (w) => warned.push(w) });
    expect(report).toMatchObject({ file: out, files: 3, charts: 11 });
    expect(warned).toHaveLength(5);
    const html = readFileSync(out, 'utf8');
    expect(report.bytes).toBe(Buffer.byteLength(html));
    // plotly.js inlined, nothing fetched: no external script, stylesheet or font.
    expect(html).toContain('window.Plotly = Plotly');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(http/);
    expect(html).toContain('data-scenario="alpha"');
    expect(html).toContain('5 files skipped:');
  });

  it('inlines the minified cartesian plotly.js build, which keeps the page of the committed results/ under 3 MB', () => {
    const dir = tempDir('poolbench-report-size-');
    const report = writeReport([resultsDir], join(dir, 'report.html'), { warn: () => {} });
    const html = readFileSync(report.file, 'utf8');
    expect(html).toContain('plotly.js (cartesian - minified)');
    expect(report.charts).toBeGreaterThan(0);
    expect(report.bytes).toBeLessThan(REPORT_SIZE_LIMIT);
  });

  it('names the missing package when the plotly.js build to inline is not installed', () => {
    const { dir } = mixedFolder();
    const plotly = { ...defaultPlotlyBundle, packageName: 'plotly.js-not-installed' };
    expect(() => writeReport([dir], join(dir, 'r.html'), { warn: () => {}, plotly })).toThrow(
      /^plotly\.js-not-installed is not installed; run "pnpm install --frozen-lockfile" first$/,
    );
  });

  it('escapes text from results files', () => {
    const { dir } = mixedFolder();
    const html = readFileSync(writeReport([dir], join(dir, 'r.html'), { warn: () => {} }).file, 'utf8');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('setup failed: &lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;');
    expect(NASTY_REASON).toContain('<img');
  });

  it('with no valid file, throws an InputError and writes nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), '{"schemaVersion": 1, "crea');
    const out = join(dir, 'report.html');
    expect(() => writeReport([dir], out, { warn: () => {} })).toThrow(InputError);
    expect(() => writeReport([dir], out, { warn: () => {} })).toThrow(/^no valid results file in .* \(1 skipped, see the warnings above\)/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('pnpm report (the CLI)', () => {
  const report = (...args: string[]) =>
    spawnSync(process.execPath, [join(projectRoot, 'dist', 'scripts', 'report.js'), ...args], { encoding: 'utf8' });

  it('writes the page to --out and names every skipped file on stderr', () => {
    const { dir } = mixedFolder();
    const out = join(dir, 'page.html');
    const r = report(dir, '--out', out);
    expect(r.status).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('warning: '))).toHaveLength(5);
    expect(lines.at(-1)).toMatch(new RegExp(`^report written to ${out} \\(3 results files, 11 charts, \\d+\\.\\d MB\\)$`));
    expect(existsSync(out)).toBe(true);
  });

  it('exits 2 with one error line when no valid file remains, and writes nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), 'nope');
    const out = join(dir, 'page.html');
    const r = report(dir, '--out', out);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^warning: .*bad\.json: malformed JSON/);
    expect(lines[1]).toMatch(/^error: no valid results file in /);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 on an unknown flag', () => {
    const r = report('--outt', 'x.html');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: bad arguments: Unknown option '--outt'/);
  });
});

describe('pnpm bench refreshes the report', () => {
  it('writes report.html next to the results and prints its path', () => {
    const dir = tempDir();
    const scenario = writeScenarioFile(dir, validScenarioJson({ tasks: 100, runs: 1, warmup: { passes: 0, tasks: 0 } }));
    const resultsDir = join(dir, 'results');
    const r = spawnSync(
      process.execPath,
      [join(projectRoot, 'dist', 'scripts', 'bench.js'), '--scenario', scenario, '--impl', 'semaphore', '--results-dir', resultsDir],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const page = join(resultsDir, 'report.html');
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`report written to ${page}`);
    expect(readFileSync(page, 'utf8')).toContain('data-scenario="tiny"');
  });
});
