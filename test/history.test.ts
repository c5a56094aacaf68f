// The data branch that keeps every main-branch run's results, tested offline against a local bare repository.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepResults } from '../harness/history/keep.js';
import { writeResultsFile } from '../harness/results/store.js';
import { completed, fixtureResults } from './report-fixtures.js';
import { tempDir } from './helpers.js';

const git = (args: string[], cwd: string) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

function runOf(createdAt: string): string {
  const dir = tempDir();
  writeResultsFile(dir, fixtureResults({ id: 'gate', createdAt, implementations: [completed('home-async', [100, 101, 102])] }));
  return dir;
}

describe('keepResults', () => {
  it('creates the data branch on first use, then appends each run without replacing a file', () => {
    const remote = tempDir();
    git(['init', '--bare', '--quiet'], remote);
    const first = keepResults({ remote, branch: 'bench-data', from: runOf('2026-01-01T00:00:00.000Z'), message: 'run 1' });
    const second = keepResults({ remote, branch: 'bench-data', from: runOf('2026-01-02T00:00:00.000Z'), message: 'run 2' });
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(second[0]).not.toBe(first[0]);
    const tree = git(['ls-tree', '-r', '--name-only', 'bench-data'], remote).split('\n').sort();
    expect(tree).toEqual([...first, ...second].sort());
    expect(git(['log', '--format=%s', 'bench-data'], remote).split('\n')).toEqual(['run 2', 'run 1']);
    // The same run kept again adds nothing.
    const again = runOf('2026-01-02T00:00:00.000Z');
    expect(keepResults({ remote, branch: 'bench-data', from: again, message: 'run 2 again' })).toEqual([]);
  });

  it('keeps nothing when one file is not a valid results file', () => {
    const remote = tempDir();
    git(['init', '--bare', '--quiet'], remote);
    const from = runOf('2026-01-01T00:00:00.000Z');
    writeFileSync(join(from, 'gate', 'broken.json'), '{"schemaVersion": 1}');
    expect(() => keepResults({ remote, branch: 'bench-data', from, message: 'x' })).toThrow(/broken\.json: createdAt is missing/);
    expect(() => git(['rev-parse', '--verify', 'bench-data'], remote)).toThrow();
  });
});
