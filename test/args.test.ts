import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../harness/cli/bench-args.js';
import { projectRoot } from '../core/paths.js';

describe('parseBenchArgs', () => {
  it('parses scenario, repeated --impl, runs and format', () => {
    expect(parseBenchArgs(['--scenario', 'smoke', '-i', 'p-limit', '--impl', 'fastq', '--runs', '3', '--format', 'md'])).toEqual({
      help: false, list: false, scenario: 'smoke', impls: ['p-limit', 'fastq'], runs: 3, format: 'md', latency: true, instructions: false, runtimes: [],
    });
  });

  it('runs until settled with --precision, filling the other limits with their defaults', () => {
    expect(parseBenchArgs(['--scenario', 'million', '--precision', '0.03']).adaptive).toEqual({ precision: 0.03, maxRuns: 20, rowBudgetSeconds: 60 });
    expect(parseBenchArgs(['--scenario', 'million', '--max-runs', '8', '--row-budget', '30']).adaptive).toEqual({ precision: 0.05, maxRuns: 8, rowBudgetSeconds: 30 });
    expect(parseBenchArgs(['--scenario', 'million']).adaptive).toBeUndefined();
    expect(() => parseBenchArgs(['--scenario', 'million', '--precision', '5'])).toThrow('--precision is "5"; allowed: a fraction > 0 and < 1 (0.05 = each median to ±5 %)');
    expect(() => parseBenchArgs(['--scenario', 'million', '--max-runs', '0'])).toThrow('--max-runs is "0"; allowed: an integer from 1 to 1000');
  });

  it('takes a total budget with --budget, and names any value that is not seconds > 0 and ≤ 86400', () => {
    expect(parseBenchArgs(['--scenario', 'million', '--budget', '90']).adaptive).toEqual({ precision: 0.05, maxRuns: 20, rowBudgetSeconds: 60, budgetSeconds: 90 });
    for (const bad of ['0', '-1', 'NaN', 'Infinity', '86401', '2147483648', 'soon']) {
      expect(() => parseBenchArgs(['--scenario', 'million', '--budget', bad])).toThrow(
        `--budget is "${bad}"; allowed: seconds > 0 and ≤ 86400 (the child time all rows' runs may use together)`,
      );
    }
  });

  it('switches latency recording off with --no-latency', () => {
    expect(parseBenchArgs(['--scenario', 'smoke', '--no-latency']).latency).toBe(false);
  });

  it.each(['0', '-1', '2.5', 'three'])('rejects --runs %s', (runs) => {
    expect(() => parseBenchArgs(['--scenario', 'smoke', `--runs=${runs}`])).toThrow(
      `--runs is "${runs}"; allowed: an integer ≥ 1`,
    );
  });

  it('rejects an unknown format', () => {
    expect(() => parseBenchArgs(['--scenario', 'smoke', '--format', 'xml'])).toThrow('--format is "xml"; allowed: table | md | json');
  });

  it('rejects an unknown flag', () => {
    expect(() => parseBenchArgs(['--scenario', 'smoke', '--fast'])).toThrow(/bad arguments: Unknown option '--fast'/);
  });

  it('requires --scenario unless listing', () => {
    expect(() => parseBenchArgs([])).toThrow('--scenario is missing; allowed: a scenario id, or --list to see them');
    expect(parseBenchArgs(['--list']).list).toBe(true);
  });
});

describe('pnpm bench on bad input exits 2 with one line', () => {
  const bench = (...args: string[]) =>
    spawnSync(process.execPath, [join(projectRoot, 'dist', 'scripts', 'bench.js'), ...args], { encoding: 'utf8' });

  it('names an unknown implementation and lists the known ones', () => {
    const r = bench('--scenario', 'smoke', '--impl', 'p-limitt');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: unknown implementation "p-limitt"; allowed: home-async, home-plimit, home-threads, p-limit, p-queue, fastq, piscina/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names an unknown scenario and lists the known ones', () => {
    const r = bench('--scenario', 'bilion');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: unknown scenario "bilion"; allowed: .*million.*smoke/);
  });

  it('rejects --runs 0', () => {
    const r = bench('--scenario', 'smoke', '--runs', '0');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('error: --runs is "0"; allowed: an integer ≥ 1');
  });

  it('lists scenarios with the implementations able to run them', () => {
    const r = bench('--list');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/million\s+1,000,000 tasks/);
    expect(r.stdout).toMatch(/workerpool\s+worker-threads/);
  });
});
