// The generated docs stay in step with the committed results files: `pnpm docs --check` over the repository finds
// nothing stale, a changed or added results file makes it fail, and every figure in the hand-written findings names
// a results file that exists.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledFile, projectRoot } from '../core/paths.js';
import { collectResults } from '../harness/docs/collect.js';
import { fillReadmeBlocks, planDocs, staleDocs, writeDocs } from '../harness/docs/generate.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary project holding the README, the generated pages and only the `million` results. */
function copyOfMillion(): string {
  const root = mkdtempSync(join(tmpdir(), 'poolbench-docs-'));
  temps.push(root);
  cpSync(join(projectRoot, 'results', 'million'), join(root, 'results', 'million'), { recursive: true });
  cpSync(join(projectRoot, 'README.md'), join(root, 'README.md'));
  writeDocs(root);
  return root;
}

function newestMillionFile(root: string): string {
  const dir = join(root, 'results', 'million');
  return join(dir, readdirSync(dir).sort().at(-1)!);
}

describe('pnpm docs --check over the repository', () => {
  it('finds docs/results/ and the README results block up to date with results/', () => {
    // On failure: run `pnpm docs` and commit what it writes.
    expect(staleDocs(projectRoot)).toEqual([]);
  });

  it('exits 0 from the command line when nothing is stale', () => {
    const run = spawnSync(process.execPath, [compiledFile('scripts', 'docs.js'), '--check'], { encoding: 'utf8' });
    expect(run.stderr).toContain('docs are up to date');
    expect(run.status).toBe(0);
  });

  it('fills the README headline block from the newest million results file', () => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const newest = collectResults(projectRoot).find((s) => s.id === 'million')!.series[0]!.entries[0]!;
    const block = readme.slice(readme.indexOf('<!-- results:million -->'), readme.indexOf('<!-- /results:million -->'));
    expect(block).toContain(`Results file: [\`${newest.path}\`]`);
    expect(block).toContain('| implementation |');
  });
});

describe('pnpm docs on a temporary copy', () => {
  it('reports the page and the README block stale when the newest results file changes', () => {
    const root = copyOfMillion();
    expect(staleDocs(root)).toEqual([]);
    const file = newestMillionFile(root);
    const results = JSON.parse(readFileSync(file, 'utf8'));
    const first = results.implementations.find((i: { state: string }) => i.state === 'completed');
    first.summary.wallMs.median *= 2;
    writeFileSync(file, JSON.stringify(results));
    // The index lists only paths and dates, so it stays as it was.
    expect(staleDocs(root).sort()).toEqual(['README.md', 'docs/results/million.md']);
    writeDocs(root);
    expect(staleDocs(root)).toEqual([]);
  });

  it('reports every page stale when a newer results file is added', () => {
    const root = copyOfMillion();
    const results = JSON.parse(readFileSync(newestMillionFile(root), 'utf8'));
    results.createdAt = '2099-01-01T00:00:00.000Z';
    writeFileSync(join(root, 'results', 'million', '2099-01-01T00-00-00-000Z_0000000.json'), JSON.stringify(results));
    expect(staleDocs(root).sort()).toEqual(['README.md', 'docs/results/README.md', 'docs/results/million.md']);
  });

  it('finds a generated page whose scenario lost its results, removes it, and leaves hand-written notes alone', () => {
    const root = copyOfMillion();
    cpSync(join(root, 'docs', 'results', 'million.md'), join(root, 'docs', 'results', 'gone.md'));
    writeFileSync(join(root, 'docs', 'results', 'million.notes.md'), '# Notes written by hand\n');
    expect(staleDocs(root)).toEqual(['docs/results/gone.md']);
    expect(writeDocs(root).removed).toEqual(['docs/results/gone.md']);
    expect(existsSync(join(root, 'docs', 'results', 'gone.md'))).toBe(false);
    expect(existsSync(join(root, 'docs', 'results', 'million.notes.md'))).toBe(true);
  });

  it('writes the same bytes twice (no clock in the output)', () => {
    const root = copyOfMillion();
    const once = planDocs(root).files;
    expect(planDocs(root).files).toEqual(once);
  });

  it('refuses a README block that names a scenario without results, or is never closed', () => {
    const scenarios = collectResults(copyOfMillion());
    expect(() => fillReadmeBlocks('<!-- results:bilion -->\n<!-- /results:bilion -->\n', scenarios)).toThrow(
      'README.md: block results:bilion is "bilion"; allowed: a scenario with committed results: million',
    );
    expect(() => fillReadmeBlocks('<!-- results:million -->\n', scenarios)).toThrow('opened but never closed');
  });

  it('refuses a README block for a sweep scenario, whose points have their own page', () => {
    const root = mkdtempSync(join(tmpdir(), 'poolbench-docs-'));
    temps.push(root);
    mkdirSync(join(root, 'results'));
    cpSync(join(projectRoot, 'results', 'payload'), join(root, 'results', 'payload'), { recursive: true });
    expect(() => fillReadmeBlocks('<!-- results:payload -->\n<!-- /results:payload -->\n', collectResults(root))).toThrow(
      'allowed: a scenario without a sweep',
    );
  });
});

/** Paragraphs and list items of a Markdown page, headings and code blocks left out. */
function statements(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '');
  return withoutCode
    .split(/\n(?=\s*\n)|\n(?=- )/)
    .map((block) => block.trim())
    .filter((block) => block.length > 0 && !block.startsWith('#'));
}

// A measured figure: a number with a unit or a ratio (1.69 s, 56.9 MB, 3.5 %, 17×, 4.0k tasks/s).
const FIGURE = /\d(?:[\d,.]*\d)?\s?(?:s|ms|µs|ns|MB|KB|GB|%|×|k tasks\/s)(?![\w])/;
const CITED = /results\/[\w./-]+\.(?:json|txt)/g;
const CITES = /results\/[\w./-]+\.(?:json|txt)/;

describe('docs/findings.md', () => {
  const findings = readFileSync(join(projectRoot, 'docs', 'findings.md'), 'utf8');

  it('names a results file in every statement that quotes a figure', () => {
    const uncited = statements(findings).filter((s) => FIGURE.test(s) && !CITES.test(s));
    expect(statements(findings).filter((s) => FIGURE.test(s)).length).toBeGreaterThan(20);
    expect(uncited).toEqual([]);
  });

  it('cites only results files that exist, in it and in every hand-written page', () => {
    const pages = readdirSync(join(projectRoot, 'docs')).filter((name) => name.endsWith('.md'));
    const missing = pages.flatMap((page) =>
      [...readFileSync(join(projectRoot, 'docs', page), 'utf8').matchAll(CITED)]
        .map((m) => m[0])
        .filter((path) => !existsSync(join(projectRoot, path)))
        .map((path) => `docs/${page}: ${path}`),
    );
    expect(pages).toContain('findings.md');
    expect(missing).toEqual([]);
  });
});
