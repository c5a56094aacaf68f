// The output module: every renderer prints a results file, and the commands take their --format names from it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';
import { parseBenchArgs, USAGE } from '../harness/cli/bench-args.js';
import { FORMATS, render, renderers } from '../harness/output/format.js';
import { markdownTable, textTable } from '../harness/output/table.js';
import { tempDir } from './helpers.js';
import { standardFixtures, writeFixtures } from './report-fixtures.js';

// alpha (with a skipped and an errored row) and beta: two scenarios, so every format can take both at once.
const fixtures = standardFixtures();
const alpha = fixtures[1]!;
const beta = fixtures[2]!;
const measured = ['fast', 'slow'];

describe('renderers', () => {
  it.each(Object.keys(renderers))('%s prints every measured implementation of a file, and of two files', (name) => {
    const format = name as keyof typeof renderers;
    const one = render(alpha, format);
    for (const impl of measured) expect(one).toContain(impl);
    const two = render([alpha, beta], format);
    expect(two).toContain('alpha');
    expect(two).toContain('beta');
  });

  it('prints one JSON document for several files in every machine-readable format', () => {
    expect(JSON.parse(render([alpha, beta], 'json'))).toHaveLength(2);
    expect(JSON.parse(render(alpha, 'json'))).toEqual(alpha);
    const github = JSON.parse(render([alpha, beta], 'github-action-benchmark')) as Array<{ name: string }>;
    expect(github.map((e) => e.name)).toContain('beta/slow peak heap');
    expect(Object.keys(JSON.parse(render([alpha, beta], 'bencher')) as object)).toEqual(['alpha/fast', 'alpha/slow', 'beta/fast', 'beta/slow']);
  });
});

describe('--format names come from the renderers', () => {
  const allowed = Object.keys(renderers).join(' | ');

  it('lists exactly the renderers', () => {
    expect(FORMATS).toEqual(Object.keys(renderers));
  });

  it('pnpm bench: --help names every format and a wrong one is refused with the list', () => {
    for (const format of FORMATS) expect(USAGE).toContain(format);
    expect(() => parseBenchArgs(['--scenario', 'cpu', '--format', 'bmf'])).toThrow(`--format is "bmf"; allowed: ${allowed}`);
    expect(parseBenchArgs(['--scenario', 'cpu', '--format', 'bencher']).format).toBe('bencher');
  });

  // The commands as built (pnpm test builds dist/ first).
  const command = (name: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(projectRoot, 'dist', 'scripts', `${name}.js`), ...args], { encoding: 'utf8' });

  it.each(['table', 'export'])('pnpm %s: --help names every format and a wrong one is refused with the list', (name) => {
    const help = command(name, '--help');
    expect(help.status).toBe(0);
    for (const format of FORMATS) expect(help.stdout).toContain(format);
    const wrong = command(name, '--format', 'github', 'x.json');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr.trim()).toBe(`error: --format is "github"; allowed: ${allowed}`);
  });

  it('pnpm export and pnpm table print the same document for the same format and files', () => {
    const files = writeFixtures(tempDir(), [alpha, beta]);
    const exported = command('export', '--format', 'bencher', ...files);
    expect(exported.status).toBe(0);
    expect(Object.keys(JSON.parse(exported.stdout) as object)).toHaveLength(4);
    expect(command('table', '--format', 'bencher', ...files).stdout).toBe(exported.stdout);
  });
});

describe('the table renderer', () => {
  const table = { header: ['name', 'n'], rows: [['a|b', '1'], ['long name', '100']], leftColumns: 1, rule: true };

  it('pads names left and numbers right, two spaces apart, with no trailing spaces', () => {
    expect(textTable(table).split('\n')).toEqual(['name         n', '─────────  ───', 'a|b          1', 'long name  100']);
    expect(textTable({ ...table, leftColumns: 2, rule: false }).split('\n')).toEqual(['name       n', 'a|b        1', 'long name  100']);
  });

  it('writes Markdown with the same alignment and escapes pipes in cells', () => {
    expect(markdownTable(table).split('\n')).toEqual(['| name | n |', '| --- | ---: |', '| a\\|b | 1 |', '| long name | 100 |']);
  });
});
