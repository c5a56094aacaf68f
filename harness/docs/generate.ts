// `pnpm docs`: writes docs/results/*.md and the README's results blocks from the committed results files, or, with
// --check, lists every file that differs from what it would write. Pages carry a mark on their first line, so a page
// whose scenario lost its results is found (and removed) while hand-written files beside them are never touched.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errors } from '../../core/errors.js';
import { collectResults, type ScenarioResults } from './collect.js';
import { GENERATED_MARK, indexPage, readmeBlock, scenarioPage } from './pages.js';

export const PAGES_DIR = 'docs/results';
export const README = 'README.md';

export interface DocsFile {
  /** Relative to the project root, with forward slashes. */
  path: string;
  content: string;
}

export interface DocsPlan {
  files: DocsFile[];
  /** Generated pages on disk that would no longer be generated (their scenario has no results file now). */
  orphans: string[];
}

const BLOCK = /<!-- results:([a-z0-9][a-z0-9-]*) -->\n[\s\S]*?<!-- \/results:\1 -->/g;
const OPENING = /<!-- results:([a-z0-9][a-z0-9-]*) -->/g;

/** Replaces the body of every `<!-- results:<id> -->` … `<!-- /results:<id> -->` block; the markers stay. */
export function fillReadmeBlocks(readme: string, scenarios: readonly ScenarioResults[], readmeName = README): string {
  const opened = [...readme.matchAll(OPENING)].map((m) => m[1]!);
  const closed = [...readme.matchAll(BLOCK)].map((m) => m[1]!);
  for (const id of opened) {
    if (!closed.includes(id)) {
      throw errors.invalidField(readmeName, `block results:${id}`, 'opened but never closed', `a closing <!-- /results:${id} --> line after it`);
    }
  }
  return readme.replace(BLOCK, (_block, id: string) => {
    const scenario = scenarios.find((s) => s.id === id);
    if (!scenario) {
      throw errors.invalidField(readmeName, `block results:${id}`, id, `a scenario with committed results: ${scenarios.map((s) => s.id).join(', ')}`);
    }
    return `<!-- results:${id} -->\n${readmeBlock(scenario, readmeName)}\n<!-- /results:${id} -->`;
  });
}

function isGeneratedPage(file: string): boolean {
  return readFileSync(file, 'utf8').startsWith(GENERATED_MARK);
}

/** What `pnpm docs` would write under `root`, computed without touching the disk. */
export function planDocs(root: string): DocsPlan {
  const scenarios = collectResults(root);
  const files: DocsFile[] = [
    { path: `${PAGES_DIR}/README.md`, content: indexPage(scenarios) },
    ...scenarios.map((s) => ({ path: `${PAGES_DIR}/${s.id}.md`, content: scenarioPage(s) })),
  ];
  const readmeFile = join(root, README);
  if (existsSync(readmeFile)) files.push({ path: README, content: fillReadmeBlocks(readFileSync(readmeFile, 'utf8'), scenarios) });
  const planned = new Set(files.map((f) => f.path));
  const pagesDir = join(root, PAGES_DIR);
  const orphans = existsSync(pagesDir)
    ? readdirSync(pagesDir)
        .filter((name) => name.endsWith('.md'))
        .map((name) => `${PAGES_DIR}/${name}`)
        .filter((path) => !planned.has(path) && isGeneratedPage(join(root, path)))
        .sort()
    : [];
  return { files, orphans };
}

/** Paths that differ from the plan: changed or missing files, and orphaned generated pages. Empty when up to date. */
export function staleDocs(root: string, plan: DocsPlan = planDocs(root)): string[] {
  const changed = plan.files.filter((f) => {
    const file = join(root, f.path);
    return !existsSync(file) || readFileSync(file, 'utf8') !== f.content;
  });
  return [...changed.map((f) => f.path), ...plan.orphans];
}

/** Writes only what changed (so an up-to-date tree is left untouched) and removes orphaned generated pages. */
export function writeDocs(root: string): { written: string[]; removed: string[] } {
  const plan = planDocs(root);
  const stale = new Set(staleDocs(root, plan));
  const written: string[] = [];
  for (const f of plan.files) {
    if (!stale.has(f.path)) continue;
    const file = join(root, f.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, f.content);
    written.push(f.path);
  }
  for (const orphan of plan.orphans) rmSync(join(root, orphan));
  return { written, removed: plan.orphans };
}
