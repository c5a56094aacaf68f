import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, judge, judgeCount } from '../harness/gate/compare.js';
import { mannWhitney, smallestP } from '../harness/stats/mann-whitney.js';
import { projectRoot } from '../core/paths.js';
import { tempDir, tinyScenario } from './helpers.js';
import { fixtureEnv, sample } from './report-fixtures.js';
import { summarize } from '../harness/stats/stats.js';
import { type ResultsFile, type RunRecord } from '../harness/results/schema.js';

describe('mannWhitney', () => {
  it('gives the exact two-sided p for separated samples: 2 / C(10, 5)', () => {
    expect(mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toEqual({ u: 0, p: 2 / 252, method: 'exact' });
  });

  it('matches the textbook example (U = 3, exact p = 1/9)', () => {
    const r = mannWhitney([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.u).toBe(3);
    expect(r.p).toBeCloseTo(0.1111, 4);
  });

  it('falls back to the normal approximation with ties, and finds no difference in identical samples', () => {
    const r = mannWhitney([5, 5, 5, 5], [5, 5, 5, 5]);
    expect(r).toMatchObject({ method: 'normal', p: 1 });
  });

  it('knows when significance is out of reach', () => {
    expect(smallestP(3, 3)).toBeCloseTo(0.1, 10);
    expect(smallestP(4, 4)).toBeCloseTo(2 / 70, 10);
  });
});

describe('judge', () => {
  const base = [100, 102, 98, 101, 99, 100];
  it('regressed: significant and beyond the threshold', () => {
    expect(judge(base, [125, 127, 123, 126, 124, 125], 0.1)).toMatchObject({ verdict: 'regressed' });
  });
  it('improved: significant and beyond the threshold the other way', () => {
    expect(judge(base, [80, 82, 78, 81, 79, 80], 0.1)).toMatchObject({ verdict: 'improved' });
  });
  it('no change: significant but within the threshold', () => {
    expect(judge(base, [105, 107, 103, 106, 104, 105], 0.1)).toMatchObject({ verdict: 'no change' });
  });
  it('inconclusive: a big median move that the test cannot call real', () => {
    expect(judge(base, [60, 140, 130, 70, 135, 145], 0.1)).toMatchObject({ verdict: 'inconclusive' });
  });
  it('no change: identical inputs', () => {
    expect(judge(base, [...base], 0.1)).toMatchObject({ verdict: 'no change', change: 0 });
  });
  it('inconclusive: too few runs to ever reach α', () => {
    expect(judge([100, 101, 99], [150, 151, 149], 0.1).why).toMatch(/^too few samples \(3 vs 3\)/);
  });
});

function resultsWith(name: string, walls: number[], heaps: number[], sha: string): ResultsFile {
  // A complete file, as pnpm bench writes it: every reader validates what it reads.
  const runs: RunRecord[] = walls.map((wallMs, i) => ({
    runIndex: i,
    state: 'measured',
    applied: { concurrency: 10, threads: 0, options: {} },
    problems: [],
    sample: sample(wallMs, 1, { heapPeakBytes: heaps[i]! }),
  }));
  const samples = runs.flatMap((r) => (r.state === 'measured' ? [r.sample] : []));
  return {
    schemaVersion: 1, createdAt: `2026-01-0${sha === 'aaaaaaa' ? 1 : 2}T00:00:00.000Z`, scenario: tinyScenario({ id: 'gate' }),
    runsPerImplementation: walls.length, ideal: null,
    env: fixtureEnv({ gitSha: sha }),
    implementations: [{
      name, version: null, kind: 'in-thread', state: 'completed', applied: { concurrency: 10, threads: 0, options: {} }, runs,
      summary: {
        wallMs: summarize(samples.map((x) => x.wallMs)), heapPeakBytes: summarize(samples.map((x) => x.heapPeakBytes)),
        maxRssBytes: summarize(samples.map((x) => x.maxRssBytes)), cpuCores: summarize(samples.map((x) => x.cpuCores)),
      },
    }],
  };
}

describe('compare', () => {
  it('judges each implementation on wall time and peak heap with their own thresholds', () => {
    const baseline = resultsWith('home-async', [100, 101, 99, 100, 102, 98], [10, 10.1, 9.9, 10, 10.2, 9.8], 'aaaaaaa');
    const candidate = resultsWith('home-async', [130, 131, 129, 130, 132, 128], [11.5, 11.6, 11.4, 11.5, 11.7, 11.3], 'bbbbbbb');
    const rows = compare(baseline, candidate, { implementations: ['home-async'], metrics: ['wallMs', 'heapPeakBytes'] });
    expect(rows.map((r) => [r.metric, r.verdict])).toEqual([
      ['wallMs', 'regressed'],
      ['heapPeakBytes', 'no change'], // +15 % is real but within the 20 % heap threshold
    ]);
  });
});

describe('pnpm gate', () => {
  // These files hold timed runs only: the sampled metrics are named, since the default is instructions per task.
  const gate = (...args: string[]) =>
    spawnSync(process.execPath, [join(projectRoot, 'dist', 'scripts', 'gate.js'), ...args, '--metric', 'wallMs', '--metric', 'heapPeakBytes'], {
      encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '' },
    });
  const dir = tempDir();
  const write = (name: string, r: ResultsFile) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(r));
    return file;
  };
  const baseline = write('base.json', resultsWith('home-async', [100, 101, 99, 100, 102, 98], [10, 10, 10, 10, 10, 10], 'aaaaaaa'));

  it('exits 1 on a regression and writes the Markdown summary', () => {
    const candidate = write('slow.json', resultsWith('home-async', [130, 131, 129, 130, 132, 128], [10, 10, 10, 10, 10, 10], 'bbbbbbb'));
    const md = join(dir, 'summary.md');
    const r = gate('--baseline', baseline, '--candidate', candidate, '--markdown', md);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/home-async\s+wall time\s+0\.100 s\s+0\.130 s\s+\+30\.0 %/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('REGRESSED: 1; improved 0, no change 1, inconclusive 0');
    expect(readFileSync(md, 'utf8')).toMatch(/^### gate gate: candidate bbbbbbb against baseline aaaaaaa\n\n\*\*REGRESSED: 1/);
  });

  it('takes thresholds from the scenario\'s gateThresholds unless a flag overrides them', () => {
    const slow = resultsWith('home-async', [130, 131, 129, 130, 132, 128], [10, 10, 10, 10, 10, 10], 'eeeeeee');
    slow.scenario = tinyScenario({ id: 'gate', gateThresholds: { wallMs: 0.5 } });
    const file = write('lenient.json', slow);
    expect(gate('--baseline', baseline, '--candidate', file).status).toBe(0); // +30 % is within its 50 %
    expect(gate('--baseline', baseline, '--candidate', file, '--time-threshold', '0.2').status).toBe(1);
  });

  it('exits 0 when nothing regressed', () => {
    const same = write('same.json', resultsWith('home-async', [101, 100, 99, 102, 100, 98], [10, 10, 10, 10, 10, 10], 'ccccccc'));
    expect(gate('--baseline', baseline, '--candidate', same).status).toBe(0);
  });

  it('exits 2 naming a missing baseline', () => {
    const r = gate('--baseline', join(dir, 'none'), '--candidate', baseline);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: --baseline ".*none" holds no results file for scenario "gate"; allowed: a results file, or a folder holding one/);
  });

  it('exits 2 naming a baseline from another scenario', () => {
    const other = resultsWith('home-async', [100, 101, 99, 100], [10, 10, 10, 10], 'ddddddd');
    other.scenario = tinyScenario({ id: 'other' });
    const file = write('other.json', other);
    const r = gate('--baseline', file, '--candidate', baseline);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: --baseline is ".*other\.json"; allowed: results of scenario "gate", the candidate's \(this file is "other"\)$/);
  });

  it('exits 2 naming a baseline of another schema version', () => {
    const file = join(dir, 'future.json');
    writeFileSync(file, JSON.stringify({ schemaVersion: 2 }));
    const r = gate('--baseline', file, '--candidate', baseline);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: .*future\.json: schemaVersion is 2; allowed: 1$/);
  });

  it('exits 2 naming a corrupt candidate file', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schemaVersion": 1,');
    const r = gate('--baseline', baseline, '--candidate', bad);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: .*bad\.json: malformed JSON/);
  });
});

describe('pnpm gate --against (A/B in one job)', () => {
  const gate = (...args: string[]) =>
    spawnSync(process.execPath, [join(projectRoot, 'dist', 'scripts', 'gate.js'), ...args], { encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '' } });
  const worktrees = () => spawnSync('git', ['worktree', 'list'], { cwd: projectRoot, encoding: 'utf8' }).stdout.trim().split('\n').length;

  it('runs baseline and candidate interleaved from a temporary worktree, then removes it', () => {
    const before = worktrees();
    const scenario = join(tempDir(), 'abtiny.json');
    writeFileSync(scenario, JSON.stringify({ ...tinyScenario({ id: 'abtiny', tasks: 1000, runs: 4 }) }));
    const r = gate('--against', 'HEAD', '--scenario', scenario, '--impl', 'home-async', '--metric', 'wallMs');
    expect(r.status).toBe(0);
    // The runner's own loop, one contender per side, rotated each run: B A, then A B.
    expect(r.stderr).toMatch(/run 1\/4 home-async \(baseline\): [\d.]+ s\nrun 1\/4 home-async \(candidate\): [\d.]+ s/);
    expect(r.stderr).toMatch(/run 2\/4 home-async \(candidate\): [\d.]+ s\nrun 2\/4 home-async \(baseline\): [\d.]+ s/);
    expect(r.stdout).toMatch(/home-async\s+wall time .* 4 vs 4 /);
    expect(worktrees()).toBe(before);
  }, 120_000);

  it('exits 3 before building anything when its default metric cannot be counted (no valgrind on PATH)', () => {
    const before = worktrees();
    const r = spawnSync(process.execPath, [join(projectRoot, 'dist', 'scripts', 'gate.js'), '--against', 'HEAD', '--scenario', 'smoke'], {
      encoding: 'utf8', env: { ...process.env, PATH: join(tempDir(), 'empty'), GITHUB_STEP_SUMMARY: '' },
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/the gate cannot count instructions per task \(its default metric\): valgrind is not installed .*or choose --metric wallMs\|heapPeakBytes\|cpuMsPerTask/);
    expect(r.stderr).not.toMatch(/checking out/);
    expect(worktrees()).toBe(before);
  });

  it('exits 2 naming an unknown ref, leaving no worktree behind', () => {
    const before = worktrees();
    const r = gate('--against', 'no-such-branch', '--scenario', 'smoke', '--metric', 'wallMs');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('error: --against is "no-such-branch"; allowed: a branch, tag or commit of this repository');
    expect(worktrees()).toBe(before);
  });
});

describe('gate metrics beyond wall time and heap', () => {
  it('judges CPU per task from each run, (user + system) / tasks', () => {
    const base = resultsWith('home-async', [100, 101, 99, 100, 102, 98], [10, 10, 10, 10, 10, 10], 'aaaaaaa');
    const slower = resultsWith('home-async', [100, 101, 99, 100, 102, 98], [10, 10, 10, 10, 10, 10], 'bbbbbbb');
    // The fixture sample spends wallMs / 2 user + wallMs / 10 system: 0.6 × wall. Make the candidate's CPU 25 % higher.
    for (const impl of slower.implementations) {
      if (impl.state === 'skipped') continue;
      for (const run of impl.runs) if (run.state === 'measured') run.sample.cpuUserMs *= 1.3;
    }
    const [row] = compare(base, slower, { implementations: ['home-async'], metrics: ['cpuMsPerTask'] });
    expect(row).toMatchObject({ metric: 'cpuMsPerTask', verdict: 'regressed' });
    expect(row!.baselineMedian).toBeCloseTo((100 * 0.6) / base.scenario.tasks, 10);
    expect(row!.change).toBeCloseTo(0.25, 10);
  });

  it('judges a counted metric by its threshold alone', () => {
    expect(judgeCount(1000, 1012, 0.005)).toMatchObject({ verdict: 'regressed', p: null });
    expect(judgeCount(1000, 1003, 0.005)).toMatchObject({ verdict: 'no change' });
    expect(judgeCount(1000, 990, 0.005)).toMatchObject({ verdict: 'improved' });
  });

  it('reads instructions per task from files counted with --instructions, and is inconclusive without them', () => {
    const withCount = (perTask: number, sha: string): ResultsFile => {
      const r = resultsWith('home-async', [100, 101, 99, 100, 102, 98], [10, 10, 10, 10, 10, 10], sha);
      const impl = r.implementations[0]!;
      if (impl.state === 'completed') impl.instructions = { state: 'counted', perTask, counts: [], method: 'test' };
      return r;
    };
    const [row] = compare(withCount(1869, 'aaaaaaa'), withCount(1890, 'bbbbbbb'), { implementations: ['home-async'], metrics: ['instructionsPerTask'] });
    expect(row).toMatchObject({ verdict: 'regressed', baselineMedian: 1869, candidateMedian: 1890 });
    const plain = resultsWith('home-async', [100], [10], 'ccccccc');
    const [missing] = compare(plain, plain, { implementations: ['home-async'], metrics: ['instructionsPerTask'] });
    expect(missing).toMatchObject({ verdict: 'inconclusive', why: expect.stringMatching(/^no instruction count in the baseline/) });
  });

  it('judges instructions per task by default, and exits 2 naming files that hold no counts', () => {
    const dir = tempDir();
    const counted = (perTask: number, sha: string): string => {
      const r = resultsWith('home-async', [100, 101, 99, 100, 102, 98], [10, 10, 10, 10, 10, 10], sha);
      const impl = r.implementations[0]!;
      if (impl.state === 'completed') impl.instructions = { state: 'counted', perTask, counts: [], method: 'test' };
      const file = join(dir, `${sha}.json`);
      writeFileSync(file, JSON.stringify(r));
      return file;
    };
    const gate = (...args: string[]) => spawnSync(process.execPath, [join(projectRoot, 'dist', 'scripts', 'gate.js'), ...args], { encoding: 'utf8', env: { ...process.env, GITHUB_STEP_SUMMARY: '' } });
    const slower = gate('--baseline', counted(1869, 'aaaaaaa'), '--candidate', counted(1888, 'bbbbbbb'));
    expect(slower.status).toBe(1); // +1.0 % against the 0.5 % threshold
    expect(slower.stdout).toMatch(/home-async\s+instructions per task\s+1869\s+1888\s+\+1\.0 %/);
    expect(gate('--baseline', counted(1869, 'ccccccc'), '--candidate', counted(1872, 'ddddddd')).status).toBe(0);
    const plain = join(dir, 'plain.json');
    writeFileSync(plain, JSON.stringify(resultsWith('home-async', [100, 101, 99, 100], [10, 10, 10, 10], 'eeeeeee')));
    const r = gate('--baseline', plain, '--candidate', plain);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: --metric is "instructionsPerTask"; allowed: a metric both files hold \(home-async: no instruction count in the baseline.*pnpm bench --instructions, or choose --metric wallMs\|heapPeakBytes\|cpuMsPerTask$/);
  });

  it('gives rows on worker threads the wider count threshold (15 %), and main-thread rows 0.5 %', () => {
    const counted = (perTask: number, threads: number): ResultsFile => {
      const r = resultsWith('home-threads', [100, 101, 99, 100], [10, 10, 10, 10], 'aaaaaaa');
      const impl = r.implementations[0]!;
      if (impl.state === 'completed') {
        impl.applied = { ...impl.applied, threads };
        impl.instructions = { state: 'counted', perTask, counts: [], method: 'test' };
      }
      return r;
    };
    const judged = (threads: number, candidate: number, threshold?: number) =>
      compare(counted(9000, threads), counted(candidate, threads), {
        implementations: ['home-threads'], metrics: ['instructionsPerTask'], ...(threshold ? { threadedInstructionsThreshold: threshold } : {}),
      })[0]!.verdict;
    expect(judged(2, 9270)).toBe('no change'); // +3 %: within what interleaving threads move a count
    expect(judged(2, 9900)).toBe('no change'); // +10 %
    expect(judged(2, 10440)).toBe('regressed'); // +16 %
    expect(judged(2, 9270, 0.02)).toBe('regressed');
    expect(judged(0, 9270)).toBe('regressed'); // the same +3 % on the main thread
  });

  it('never compares wall time or heap of a row scaled down on one side only, but still judges its CPU per task', () => {
    const base = resultsWith('home-async', [100, 101, 99, 100, 102, 98], [10, 10, 10, 10, 10, 10], 'aaaaaaa');
    const scaled = resultsWith('home-async', [50, 51, 49, 50, 52, 48], [5, 5, 5, 5, 5, 5], 'bbbbbbb');
    const impl = scaled.implementations[0]!;
    if (impl.state === 'completed') impl.scaled = { tasks: 100, fromTasks: 200, reason: 'slow (test)', ideal: null }; // half of tinyScenario's 200
    const rows = compare(base, scaled, { implementations: ['home-async'], metrics: ['wallMs', 'heapPeakBytes', 'cpuMsPerTask'] });
    expect(rows.map((r) => r.verdict)).toEqual(['inconclusive', 'inconclusive', 'no change']);
    expect(rows[0]!.why).toMatch(/^ran 200 tasks in the baseline and 100 in the candidate \(scaled\)/);
  });

  it('never compares two counts made differently (another slope): inconclusive, naming both methods', () => {
    const counted = (perTask: number, method: string): ResultsFile => {
      const r = resultsWith('home-async', [100, 101, 99, 100], [10, 10, 10, 10], 'aaaaaaa');
      const impl = r.implementations[0]!;
      if (impl.state === 'completed') impl.instructions = { state: 'counted', perTask, counts: [], method };
      return r;
    };
    const [row] = compare(counted(1869, 'slope between 10000 and 110000 tasks'), counted(1990, 'slope between 10000 and 60000 tasks'), {
      implementations: ['home-async'], metrics: ['instructionsPerTask'],
    });
    expect(row).toMatchObject({ verdict: 'inconclusive', why: expect.stringMatching(/^counted differently \(baseline: slope between 10000 and 110000 tasks; candidate: slope between 10000 and 60000 tasks\)/) });
  });

  it('names a --threaded-instructions-threshold that is not a fraction between 0 and 10', () => {
    const dir = tempDir();
    const file = join(dir, 'r.json');
    writeFileSync(file, JSON.stringify(resultsWith('home-async', [100, 101], [10, 10], 'aaaaaaa')));
    for (const bad of ['NaN', 'Infinity', '0', '-0.1', '2147483648']) {
      const r = spawnSync(process.execPath, [join(projectRoot, 'dist', 'scripts', 'gate.js'), '--baseline', file, '--candidate', file, '--threaded-instructions-threshold', bad], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe(`error: --threaded-instructions-threshold is "${bad}"; allowed: a number between 0 and 10`);
    }
  });

  it('names the allowed metrics when --metric is wrong', () => {
    const dir = tempDir();
    const file = join(dir, 'r.json');
    writeFileSync(file, JSON.stringify(resultsWith('home-async', [100, 101], [10, 10], 'aaaaaaa')));
    const r = spawnSync(process.execPath, [join(projectRoot, 'dist', 'scripts', 'gate.js'), '--baseline', file, '--candidate', file, '--metric', 'speed'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('error: --metric is "speed"; allowed: wallMs | heapPeakBytes | cpuMsPerTask | instructionsPerTask');
  });
});
