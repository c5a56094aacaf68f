// Runs every ```js example block of the README as its own program and checks its output against the
// block's `// → …` comments, so the documented API cannot drift from the real one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/\*\*(.+?)\*\*\n```js example\n([\s\S]*?)```/g)].map((m) => ({ title: m[1]!, code: m[2]! }));

describe('README examples', () => {
  it('has an example for each feature of the pool', () => {
    expect(blocks.map((b) => b.title.split(':')[0])).toEqual([
      'Task queue', 'Concurrency control, changed while running', 'Dynamic threads', 'Graceful shutdown', 'Errors',
      'Timeout', 'Results', 'Retry', 'Priority, with aging', 'Cancellation', 'Metrics',
    ]);
  });

  // Inside the project folder, so `poolbench/home` resolves through package.json "exports".
  const dir = join(projectRoot, '.tmp', 'readme-examples');
  mkdirSync(dir, { recursive: true });

  it.each(blocks.map((b, i) => [b.title, i] as const))('%s', (_title, i) => {
    const { code } = blocks[i]!;
    const expected = [...code.matchAll(/\/\/ → (.*)$/gm)].map((m) => m[1]!);
    const file = join(dir, `example-${i}.mjs`);
    writeFileSync(file, code);
    const stdout = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 });
    expect(stdout.trimEnd().split('\n')).toEqual(expected);
  });
});
