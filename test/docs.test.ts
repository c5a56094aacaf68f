// The generated docs stay in step with the committed results files and the registry: `pnpm docs --check` over the
// repository finds nothing stale, a changed or added results file (or a hand-edited capability table) makes it fail,
// the README's extension recipes show the real files, and every figure in the hand-written findings names a results
// file that exists.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledFile, projectRoot } from '../core/paths.js';
import { capabilityTable, implementationNames } from '../impls/registry.js';
import { CAPABILITY_LABELS, type CapabilityRow } from '../impls/capabilities.js';
import { capabilityMarkdown } from '../harness/docs/capabilities.js';
import { collectResults } from '../harness/docs/collect.js';
import { reproduceCommand } from '../harness/docs/pages.js';
import { fillCapabilityBlock, fillReadmeBlocks, IMPLEMENTATIONS_PAGE, planDocs, staleDocs, writeDocs } from '../harness/docs/generate.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A temporary project holding the README, the implementations page, the generated pages and only the results its
 * README blocks read: `million` (the headline), `gate` (the runtimes block) and `hash` (your own task's example).
 */
function copyOfMillion(): string {
  const root = mkdtempSync(join(tmpdir(), 'poolbench-docs-'));
  temps.push(root);
  cpSync(join(projectRoot, 'results', 'million'), join(root, 'results', 'million'), { recursive: true });
  cpSync(join(projectRoot, 'results', 'gate'), join(root, 'results', 'gate'), { recursive: true });
  cpSync(join(projectRoot, 'results', 'hash'), join(root, 'results', 'hash'), { recursive: true });
  cpSync(join(projectRoot, 'README.md'), join(root, 'README.md'));
  cpSync(join(projectRoot, IMPLEMENTATIONS_PAGE), join(root, IMPLEMENTATIONS_PAGE));
  writeDocs(root);
  return root;
}

/** The lines between the capability markers of a page. */
function capabilityBlock(page: string): string {
  return page.slice(page.indexOf('<!-- capabilities -->'), page.indexOf('<!-- /capabilities -->'));
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

  it('holds the capability table of every registry implementation in docs/implementations.md, as the registry says', () => {
    const page = readFileSync(join(projectRoot, IMPLEMENTATIONS_PAGE), 'utf8');
    // On failure: run `pnpm docs` and commit what it writes.
    expect(fillCapabilityBlock(page, capabilityTable)).toBe(page);
    const block = capabilityBlock(page);
    for (const name of implementationNames) expect(block).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
    for (const label of Object.values(CAPABILITY_LABELS)) expect(block).toContain(`| ${label} |`);
    // A "no" carries its reason under the table, in the registry's own words.
    expect(block).toContain('never retires an idle worker');
  });
});

describe('the capability table', () => {
  const row = (name: string, dynamicThreads: CapabilityRow['cells']['dynamicThreads']): CapabilityRow => ({
    name,
    kind: 'worker-threads',
    cells: {
      runsOn: { value: 'worker-threads' },
      concurrency: { value: 'workers × tasks per worker' },
      dynamicThreads,
      taskMessages: { value: 'yes' },
      sharedMemory: { value: 'yes' },
      retry: { value: 'n/a' },
      requires: { value: 'nothing' },
    },
  });

  it('prints one row per implementation and each reason for a "no" once, naming every row that gives it', () => {
    const fixed = { value: 'no', reason: 'starts a fixed number of threads' };
    const text = capabilityMarkdown([row('a', fixed), row('b', { value: 'yes' }), row('c', fixed)]);
    const lines = text.split('\n');
    expect(lines.filter((l) => /^\| `[abc]` \|/.test(l))).toHaveLength(3);
    expect(lines.filter((l) => l.includes('starts a fixed number of threads'))).toEqual([
      '- shrinks when idle (dynamicThreads): no for `a`, `c` — starts a fixed number of threads',
    ]);
  });

  it('refuses a page without exactly one pair of markers, in order, naming the page', () => {
    const open = '<!-- capabilities -->\n';
    const close = '<!-- /capabilities -->\n';
    for (const page of ['# no markers\n', open, `${close}${open}`, `${open}${close}${open}${close}`]) {
      expect(() => fillCapabilityBlock(page, capabilityTable)).toThrow(
        /^docs\/implementations\.md: capabilities block is "\d opening and \d closing markers"; allowed: one <!-- capabilities --> line followed by one <!-- \/capabilities --> line$/,
      );
    }
    expect(fillCapabilityBlock(`before\n${open}stale\n${close}after\n`, capabilityTable)).toMatch(/^before\n<!-- capabilities -->\n<!-- generated[^\n]*\n\| implementation \|[\s\S]*\n<!-- \/capabilities -->\nafter\n$/);
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

  it('reports the implementations page stale when its capability table is edited by hand, and restores it', () => {
    const root = copyOfMillion();
    const file = join(root, IMPLEMENTATIONS_PAGE);
    const generated = readFileSync(file, 'utf8');
    const edited = generated.replace(/^(\| `workerpool` \|[^\n]*?)\| one task per thread \|/m, '$1| workers × tasks per worker |');
    expect(edited).not.toBe(generated);
    writeFileSync(file, edited);
    expect(staleDocs(root)).toEqual([IMPLEMENTATIONS_PAGE]);
    expect(writeDocs(root).written).toEqual([IMPLEMENTATIONS_PAGE]);
    expect(readFileSync(file, 'utf8')).toBe(generated);
    // Prose outside the block is the page's own: editing it is not staleness.
    writeFileSync(file, generated.replace('# Implementations', '# Implementations, edited'));
    expect(staleDocs(root)).toEqual([]);
  });

  it('gives the command that reproduces adaptive runs: the flags, unless the scenario\'s own settle field asked for them', () => {
    const results = JSON.parse(readFileSync(newestMillionFile(copyOfMillion()), 'utf8'));
    expect(reproduceCommand(results)).not.toContain('--precision');
    const adaptive = { precision: 0.03, maxRuns: 12, rowBudgetSeconds: 90 };
    expect(reproduceCommand({ ...results, adaptive })).toMatch(/ --precision 0\.03 --max-runs 12 --row-budget 90$/);
    expect(reproduceCommand({ ...results, adaptive, scenario: { ...results.scenario, settle: adaptive } })).not.toContain('--precision');
  });

  it('writes the same bytes twice (no clock in the output)', () => {
    const root = copyOfMillion();
    const once = planDocs(root).files;
    expect(planDocs(root).files).toEqual(once);
  });

  it('refuses a README block that names a scenario without results, or is never closed', () => {
    const scenarios = collectResults(copyOfMillion());
    expect(() => fillReadmeBlocks('<!-- results:bilion -->\n<!-- /results:bilion -->\n', scenarios)).toThrow(
      'README.md: block results:bilion is "bilion"; allowed: a scenario with committed results: gate, hash, million',
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

describe('the extension recipes in the README and docs/scenarios.md', () => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  /** A source file without its comment lines: the README shows the code, the file's header comment stays in the file. */
  const code = (text: string) => text.split('\n').filter((line) => !line.startsWith('//')).join('\n').trim();
  const source = (...path: string[]) => readFileSync(join(projectRoot, ...path), 'utf8');

  it('shows impls/p-limit.ts and its registry entry as they are in docs/implementations.md', () => {
    const page = source('docs', 'implementations.md');
    const adapterBlock = [...page.slice(page.indexOf('## Adding an implementation')).matchAll(/```ts\n([\s\S]*?)```/g)][0]![1]!;
    expect(readme).toContain('docs/implementations.md#adding-an-implementation');
    const [adapter, entry] = adapterBlock.split('\n// impls/registry.ts, in `const entries = { … }`:\n');
    expect(code(adapter!)).toBe(code(source('impls', 'p-limit.ts')));
    expect(source('impls', 'registry.ts')).toContain(entry!.replace(/\n$/, ''));
  });

  it('shows scenarios/workloads/noop.ts as it is in docs/scenarios.md, and the two lines that list it', () => {
    const page = source('docs', 'scenarios.md');
    const kindBlock = [...page.slice(page.indexOf('## Adding a workload kind')).matchAll(/```ts\n([\s\S]*?)```/g)][0]![1]!;
    expect(readme).toContain('docs/scenarios.md#adding-a-workload-kind');
    expect(code(kindBlock)).toBe(code(source('scenarios', 'workloads', 'noop.ts')));
    const index = source('scenarios', 'workloads', 'index.ts');
    expect(index).toContain("import { noop } from './noop.js';");
    expect(index).toMatch(/export const workloadKinds = \[[^\]]*\n {2}noop,\n/);
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
