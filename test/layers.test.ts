// The layers import one way (core ← scenarios ← impls ← harness ← scripts) with no cycles, checked by
// dependency-cruiser against .dependency-cruiser.cjs, so a back-edge fails the suite.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../core/paths.js';

const depcruise = join(projectRoot, 'node_modules', '.bin', 'depcruise');
const LAYERS = ['core', 'scenarios', 'impls', 'harness', 'scripts', 'test'];

function cruise(extra: string[] = []) {
  return spawnSync(depcruise, [...LAYERS, ...extra, '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
    cwd: projectRoot,
    encoding: 'utf8',
  });
}

/** Plants `source` in a scratch folder inside `layer`, removed afterwards: the check must fail on it with `rule`. */
function expectCaught(layer: string, source: string, rule: string): void {
  const dir = mkdtempSync(join(projectRoot, layer, '.layers-probe-'));
  try {
    writeFileSync(join(dir, 'probe.ts'), source);
    const result = cruise();
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(rule);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('layers', () => {
  it('has no import that points up a layer, out of the home package, or round a cycle', () => {
    const result = cruise();
    expect(result.stdout + result.stderr).toContain('no dependency violations found');
    expect(result.status).toBe(0);
  });

  it('fails when a scenario module imports the harness', () => {
    expectCaught('scenarios', "import { median } from '../../harness/stats/stats.js';\nexport const m = median([1]);\n", 'scenarios-are-data');
  });

  it('fails when code outside the home package imports its sources by path instead of @poolbench/home', () => {
    expectCaught('impls', "import { AsyncPool } from '../home/src/index.js';\nexport const pool = new AsyncPool();\n", 'home-pool-by-package-name');
  });
});
