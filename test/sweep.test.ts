import { describe, expect, it } from 'vitest';
import { expandGrid, MAX_SWEEP_POINTS, pointLabel, validateScenario } from '../scenarios/schema.js';
import { loadScenario } from '../scenarios/load.js';
import { buildSweepGrid, growthReading, renderSweepGrid } from '../harness/output/sweep-grid.js';
import { tinyScenario, validScenarioJson } from './helpers.js';
import { type ResultsFile } from '../harness/results/schema.js';

describe('sweep expansion', () => {
  it('expands every combination, the first key varying slowest', () => {
    const grid = expandGrid({ tasks: [10, 20], concurrency: [1, 2, 3] });
    expect(grid).toEqual([
      { tasks: 10, concurrency: 1 }, { tasks: 10, concurrency: 2 }, { tasks: 10, concurrency: 3 },
      { tasks: 20, concurrency: 1 }, { tasks: 20, concurrency: 2 }, { tasks: 20, concurrency: 3 },
    ]);
  });

  it('validates each point as a whole scenario and labels it', () => {
    const { scenario, points } = validateScenario(
      validScenarioJson({ sweep: { tasks: [100, 1000], producer: [{ style: 'upfront' }, { style: 'window', outstanding: 8 }] } }),
      'tiny.json',
    );
    expect(scenario.sweep?.tasks).toEqual([100, 1000]);
    expect(points).toHaveLength(4);
    expect(points!.map((p) => pointLabel(p.point!))).toEqual([
      'tasks=100 producer=upfront', 'tasks=100 producer=window 8', 'tasks=1000 producer=upfront', 'tasks=1000 producer=window 8',
    ]);
    expect(points![3]!.tasks).toBe(1000);
    expect(points![3]!.producer).toEqual({ style: 'window', outstanding: 8 });
  });

  it('sets workload.transfer inside the workload', () => {
    const { points } = validateScenario(
      validScenarioJson({ workload: { kind: 'payload', bytes: 1024, transfer: false }, sweep: { 'workload.transfer': [false, true] } }),
      'p.json',
    );
    expect(points!.map((p) => p.workload)).toEqual([
      { kind: 'payload', bytes: 1024, transfer: false },
      { kind: 'payload', bytes: 1024, transfer: true },
    ]);
  });

  it('ships scale-tasks and scale-concurrency as sweeps', () => {
    expect(loadScenario('scale-tasks').points).toHaveLength(6);
    expect(loadScenario('scale-concurrency').points!.map((p) => p.concurrency)).toEqual([100, 1000, 10000, 100000]);
  });
});

describe('sweep validation', () => {
  const check = (sweep: unknown) => () => validateScenario(validScenarioJson({ sweep }), 'tiny.json');

  it('rejects an unknown sweep key, naming the allowed ones', () => {
    expect(check({ runs: [1, 2] })).toThrow(/sweep\.runs.*tasks, concurrency, threads, producer, workload\.transfer/);
  });

  it('rejects an empty list', () => {
    expect(check({ tasks: [] })).toThrow(/sweep\.tasks.*a list of 1 to 16 values/);
  });

  it('rejects repeated values', () => {
    expect(check({ tasks: [10, 10] })).toThrow(/sweep\.tasks.*without repeated values/);
  });

  it('rejects a grid above the point limit', () => {
    const many = Array.from({ length: 16 }, (_, i) => i + 1);
    expect(check({ tasks: many.map((n) => n * 100), concurrency: many })).toThrow(new RegExp(`256 grid points.*at most ${MAX_SWEEP_POINTS}`));
  });

  it('names the point where a value breaks a rule', () => {
    // The window of 16 is not larger than a swept concurrency of 32.
    expect(check({ concurrency: [4, 32] })).toThrow(/sweep point concurrency=32.*producer\.outstanding/);
  });

  it('rejects a wrongly typed value at its point', () => {
    expect(check({ tasks: [100, 'many'] })).toThrow(/sweep point tasks=many.*tasks/);
  });

  it('names the field and the point for a producer that is not an object, instead of crashing', () => {
    expect(check({ producer: [null] })).toThrow(/sweep point producer=null.*producer/);
    expect(check({ producer: [{ style: 'x' }] })).toThrow(/sweep point producer=\{"style":"x"\}.*producer\.style/);
  });

  it('rejects a point field in a scenario file', () => {
    expect(() => validateScenario(validScenarioJson({ point: { tasks: 1 } }), 'tiny.json')).toThrow(/point/);
  });
});

function fileAt(tasks: number, rows: Array<{ name: string; wallMs: number; heap: number } | { name: string; skipped: string }>): ResultsFile {
  const scenario = tinyScenario({ id: 'sweepy', tasks, point: { tasks } });
  const summary = (v: number) => ({ n: 1, median: v, min: v, max: v, mean: v, sd: 0 });
  return {
    schemaVersion: 1,
    createdAt: '2026-11-25T00:00:00.000Z',
    scenario,
    runsPerImplementation: 1,
    ideal: { ms: tasks, basis: 'test' },
    env: {} as ResultsFile['env'],
    implementations: rows.map((r) =>
      'skipped' in r
        ? { name: r.name, version: null, kind: 'in-thread', state: 'skipped', reason: r.skipped }
        : {
            name: r.name, version: null, kind: 'in-thread', state: 'completed',
            applied: { concurrency: 4, threads: 0, options: {} }, runs: [],
            summary: { wallMs: summary(r.wallMs), heapPeakBytes: summary(r.heap), maxRssBytes: summary(r.heap), cpuCores: summary(1) },
          },
    ),
  };
}

describe('sweep grid', () => {
  const MB = 1024 * 1024;
  const files = [
    fileAt(1000, [{ name: 'flat', wallMs: 1000, heap: 10 * MB }, { name: 'linear', wallMs: 1100, heap: 10 * MB }, { name: 'gone', skipped: 'no' }]),
    fileAt(10_000, [{ name: 'flat', wallMs: 10_000, heap: 11 * MB }, { name: 'linear', wallMs: 12_000, heap: 100 * MB }, { name: 'gone', skipped: 'no' }]),
  ];

  it('keeps one cell per implementation and point, with the reason where there is no number', () => {
    const grid = buildSweepGrid(files);
    expect(grid.points).toEqual(['tasks=1000', 'tasks=10000']);
    expect(grid.rows.find((r) => r.name === 'gone')!.cells).toEqual(['skipped', 'skipped']);
    expect(grid.rows.find((r) => r.name === 'linear')!.cells[1]).toMatchObject({ wallMs: 12_000, idealMs: 10_000 });
  });

  it('reads flat and growing heap from the first and last points', () => {
    const grid = buildSweepGrid(files);
    expect(growthReading(grid, 'flat')).toMatch(/flat heap|heap flat/);
    expect(growthReading(grid, 'linear')).toMatch(/heap ×10\.0, time ×10\.9 for ×10 tasks/);
    expect(growthReading(grid, 'gone')).toBeNull();
  });

  it('reads a scaled-down row at the task counts it really ran', () => {
    const scaledAt = (f: ResultsFile, tasks: number): ResultsFile => ({
      ...f,
      implementations: f.implementations.map((i) =>
        i.name === 'linear' && i.state === 'completed' ? { ...i, scaled: { tasks, fromTasks: f.scenario.tasks, reason: 'test', ideal: null } } : i,
      ),
    });
    // 100 → 200 tasks really run: ×2, not the points' ×10.
    const grid = buildSweepGrid([scaledAt(files[0]!, 100), scaledAt(files[1]!, 200)]);
    expect(growthReading(grid, 'linear')).toMatch(/for ×2 tasks/);
  });

  it('renders the time grid with × ideal and the heap grid', () => {
    const text = renderSweepGrid(files);
    expect(text).toContain('12.0 (1.2×)');
    expect(text).toMatch(/linear\s+10\.0\s+100\.0/);
  });

  it('splits a two-key sweep into one grid per value of the non-numeric key, the numbers across', () => {
    const withProducer = (f: ResultsFile, producer: string): ResultsFile => ({ ...f, scenario: { ...f.scenario, point: { ...f.scenario.point, producer } } });
    const text = renderSweepGrid([withProducer(files[0]!, 'upfront'), withProducer(files[1]!, 'upfront'), withProducer(files[0]!, 'window 8'), withProducer(files[1]!, 'window 8')]);
    expect(text).toContain('sweep sweepy (producer=upfront): 2 points');
    expect(text).toContain('sweep sweepy (producer=window 8): 2 points');
    expect(text.match(/linear: heap ×10\.0, time ×10\.9 for ×10 tasks \(tasks=1000 → tasks=10000\)/g)).toHaveLength(2);
  });

  it('lists a row skipped at every point once, with its reason, instead of a row of "skipped"', () => {
    const text = renderSweepGrid(files);
    expect(text).not.toMatch(/^gone\s/m);
    expect(text).toContain('gone: no point measured (skipped: no)');
  });
});
