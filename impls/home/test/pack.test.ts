// The package as a user gets it: `pnpm pack` it, install the tarball into an empty project outside the repository
// (no workspace, no node_modules above it), and run README examples there with plain node.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageDir } from './helpers.js';
import { readmeExample, writeReadmeFiles } from './readme.js';

const scratch = mkdtempSync(join(tmpdir(), 'poolbench-home-pack-'));
const project = join(scratch, 'project');
let tarball = '';
let entries: string[] = [];

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  // prepack builds dist/ first, so the tarball holds what the sources compile to now.
  run('pnpm', ['pack', '--pack-destination', scratch], packageDir);
  const packed = readdirSync(scratch).filter((f) => f.endsWith('.tgz'));
  expect(packed).toEqual(['poolbench-home-0.1.0.tgz']);
  tarball = join(scratch, packed[0]!);
  entries = run('tar', ['-tzf', tarball], scratch).trim().split('\n').sort();

  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pack-probe', private: true, type: 'module' }));
  // Zero dependencies, so the install needs no registry: --offline makes that a requirement, not a hope. The
  // private cache keeps the user's npm cache out of it.
  run('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--cache', join(scratch, 'npm-cache')], project);
}, 180_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships dist/ with its type declarations, the README and the LICENSE, and nothing else', () => {
    expect(entries).toEqual(expect.arrayContaining([
      'package/package.json', 'package/README.md', 'package/LICENSE',
      'package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/prometheus.js', 'package/dist/prometheus.d.ts',
      'package/dist/thread-pool.d.ts', 'package/dist/thread-worker.js',
    ]));
    const outside = entries.filter((e) => !e.startsWith('package/dist/') && !['package/package.json', 'package/README.md', 'package/LICENSE'].includes(e));
    expect(outside).toEqual([]);
    expect(entries.filter((e) => /test|fixture|\.ts$/.test(e.replace(/\.d\.ts$/, '')))).toEqual([]);
  });

  it('declares no runtime dependency, and prom-client only as an optional peer', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules', '@poolbench', 'home', 'package.json'), 'utf8'));
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.peerDependenciesMeta).toEqual({ 'prom-client': { optional: true } });
    expect(readdirSync(join(project, 'node_modules')).sort()).toEqual(['.package-lock.json', '@poolbench']);
  });

  it.each(['Task queue', 'Metrics'])('runs the README example "%s" from the installed tarball', (title) => {
    const example = readmeExample(title);
    writeReadmeFiles(project);
    const file = join(project, 'example.mjs');
    writeFileSync(file, example.code);
    expect(run(process.execPath, [file], project).trimEnd().split('\n')).toEqual(example.expected);
  });

  it('loads without prom-client; only the ./prometheus entry point needs it', () => {
    const probe = `import('@poolbench/home/prometheus').then(() => console.log('loaded'), (e) => console.log(e.code, e.message));`;
    expect(run(process.execPath, ['--input-type=module', '-e', probe], project)).toMatch(/^ERR_MODULE_NOT_FOUND Cannot find package 'prom-client'/);
  });
});
