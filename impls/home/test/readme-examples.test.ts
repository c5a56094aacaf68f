// Runs every ```js example block of the package's README as its own program and checks its output against the
// block's `// → …` comments, so the documented API cannot drift from the real one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageDir } from './helpers.js';
import { readmeExamples, writeReadmeFiles } from './readme.js';

describe('README examples', () => {
  it('has an example for each feature of the pool', () => {
    expect(readmeExamples.map((b) => b.title.split(':')[0])).toEqual([
      'Task queue', 'Concurrency control, changed while running', 'Dynamic threads', 'Graceful shutdown', 'Errors',
      'Timeout', 'Results', 'Retry', 'Priority, with aging', 'Cancellation', 'Metrics',
    ]);
  });

  // Inside the package folder, so `@poolbench/home` resolves to the package itself through its "exports" (the
  // compiled dist/), as it would for a user who installed it.
  const dir = join(packageDir, '.tmp', 'readme-examples');
  mkdirSync(dir, { recursive: true });
  const files = writeReadmeFiles(dir);

  it('carries the task module the thread examples load', () => {
    expect(files).toEqual(['tasks.mjs']);
  });

  it.each(readmeExamples.map((b, i) => [b.title, i] as const))('%s', (_title, i) => {
    const { code, expected } = readmeExamples[i]!;
    const file = join(dir, `example-${i}.mjs`);
    writeFileSync(file, code);
    const stdout = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 });
    expect(stdout.trimEnd().split('\n')).toEqual(expected);
  });
});
