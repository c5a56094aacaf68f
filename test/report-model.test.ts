import { describe, expect, it } from 'vitest';
import { buildRows } from '../harness/output/format.js';
import type { ChartSpec } from '../harness/report/charts.js';
import { PALETTE } from '../harness/report/colors.js';
import type { LoadedResults } from '../harness/report/load.js';
import { allCharts, buildReportModel, type ReportModel, type ScenarioSection } from '../harness/report/model.js';
import { completed, errored, fixtureResults, NASTY_REASON, skipped, standardFixtures } from './report-fixtures.js';
import { NO_WHISKER } from '../harness/report/charts.js';
import { type ImplementationResult, type InstructionCount, type ResultsFile } from '../harness/results/schema.js';

const asLoaded = (files: ResultsFile[]): LoadedResults[] => files.map((results, n) => ({ file: `f${n}.json`, results }));

/** Plotly's Data is a union of every trace type; these tests read the few fields all of ours have. */
type TraceView = {
  type?: string; name?: string; x?: unknown[]; y?: unknown[]; text?: string[]; line?: { color?: string }; marker?: { color?: unknown };
  error_y?: { array?: (number | string)[]; arrayminus?: (number | string)[] };
};
const traces = (chart: ChartSpec): TraceView[] => chart.data as TraceView[];

function section(model: ReportModel, scenario: string, machine = 0): ScenarioSection {
  const found = model.machines[machine]?.sections.find((s) => s.scenarioId === scenario);
  if (!found) throw new Error(`no section ${scenario} on machine ${machine}`);
  return found;
}

function chart(s: ScenarioSection, kind: ChartSpec['kind']): ChartSpec {
  const found = s.charts.find((c) => c.kind === kind);
  if (!found) throw new Error(`no ${kind} chart in ${s.scenarioId}`);
  return found;
}

describe('report model: one machine, two scenarios', () => {
  const files = standardFixtures();
  const model = buildReportModel(asLoaded(files));

  it('has one section per scenario, showing its newest file with exactly the terminal table rows', () => {
    expect(model.machines).toHaveLength(1);
    expect(model.machines[0]!.sections.map((s) => s.scenarioId)).toEqual(['alpha', 'beta']);
    const alpha = section(model, 'alpha');
    expect(alpha.file).toBe('f1.json');
    expect(alpha.rows).toEqual(buildRows(files[1]!));
    expect(alpha.rows.map((r) => [r.name, r.state])).toEqual([
      ['fast', 'completed'], ['slow', 'completed'], ['delta', 'errored'], ['gamma', 'skipped'],
    ]);
    expect(alpha.rows.map((r) => r.note ?? '')).toContain(`delta: errored — ${NASTY_REASON}`);
  });

  it('draws time, heap, RSS and memory for each scenario, and trend charts only where there are several files', () => {
    const summary = (s: ScenarioSection) => s.charts.map((c) => `${c.kind}:${c.data.length}`);
    // Wall, heap and CPU trends; no instructions trend, since no file counted instructions.
    expect(summary(section(model, 'alpha'))).toEqual(['time:2', 'heap:1', 'rss:1', 'memory:2', 'history:2', 'history:2', 'history:2']);
    expect(section(model, 'alpha').charts.filter((c) => c.kind === 'history').map((c) => c.id)).toEqual(['m0-s0-history-wall', 'm0-s0-history-heap', 'm0-s0-history-cpu']);
    expect(summary(section(model, 'beta'))).toEqual(['time:2', 'heap:1', 'rss:1', 'memory:2']);
    // No results carry latency yet and no two scenarios form a scaling curve: those charts are left out, not drawn empty.
    expect(allCharts(model).some((c) => c.kind === 'latency' || c.kind === 'scaling')).toBe(false);
    expect(new Set(allCharts(model).map((c) => c.id)).size).toBe(allCharts(model).length);
  });

  it('plots every measured run in the time chart, in table order, in seconds', () => {
    const time = traces(chart(section(model, 'alpha'), 'time'));
    expect(time.map((t) => t.name)).toEqual(['fast', 'slow']);
    expect(time[0]!.y).toEqual([1.1, 1.15, 1.25]);
  });

  it('draws the ideal as a dashed line only when the results have an ideal', () => {
    const alpha = chart(section(model, 'alpha'), 'time').layout;
    expect(alpha.shapes).toHaveLength(1);
    expect(alpha.shapes![0]).toMatchObject({ type: 'line', y0: 1, y1: 1 });
    expect(alpha.annotations![0]!.text).toBe('ideal 1.00 s');
    expect(chart(section(model, 'beta'), 'time').layout.shapes).toBeUndefined();
  });

  it('plots peak heap and RSS medians in MB with min–max whiskers', () => {
    const heap = traces(chart(section(model, 'alpha'), 'heap'))[0]!;
    expect(heap.x).toEqual(['fast', 'slow']);
    expect(heap.y).toEqual([21, 43]);
    const rss = traces(chart(section(model, 'alpha'), 'rss'))[0]!;
    expect(rss.y).toEqual([71, 93]);
  });

  it('takes memory over time from the median run of each implementation', () => {
    const memory = traces(chart(section(model, 'alpha'), 'memory'));
    // fast ran 1100, 1150 and 1250 ms: the median run is the 1150 ms one, whose timeline ends at 1.15 s.
    expect(memory[0]!.x!.at(-1)).toBe(1.15);
    expect(memory[0]!.y!.at(-1)).toBeCloseTo(21, 5);
  });

  it('gives history one point per file, oldest first, labelled with the commit', () => {
    const history = traces(chart(section(model, 'alpha'), 'history'));
    expect(history.map((t) => t.name)).toEqual(['fast', 'slow']);
    expect(history[0]!.y).toEqual([1.2, 1.15]);
    expect(history[0]!.x).toEqual(['2026-01-01 10:00<br>aaaaaaa', '2026-01-02 10:00<br>bbbbbbb']);
    expect(section(model, 'alpha').history.map((h) => h.sha)).toEqual(['bbbbbbb', 'aaaaaaa']);
  });

  it('colours each implementation by its sorted name, the same in every chart', () => {
    expect(model.colors).toEqual([['delta', PALETTE[0]], ['fast', PALETTE[1]], ['gamma', PALETTE[2]], ['slow', PALETTE[3]]]);
    const alpha = section(model, 'alpha');
    const fastColors = [
      traces(chart(alpha, 'time'))[0]!.line?.color,
      traces(chart(alpha, 'memory'))[0]!.line?.color,
      traces(chart(alpha, 'history'))[0]!.line?.color,
      (traces(chart(alpha, 'heap'))[0]!.marker?.color as string[])[0],
    ];
    expect(fastColors).toEqual([PALETTE[1], PALETTE[1], PALETTE[1], PALETTE[1]]);
  });

  it('builds the capability matrix from the newest file of each scenario', () => {
    const matrix = model.machines[0]!.capability;
    expect(matrix.scenarios).toEqual(['alpha', 'beta']);
    expect(matrix.rows.map((r) => r.name)).toEqual(['delta', 'fast', 'gamma', 'slow']);
    const cells = Object.fromEntries(matrix.rows.map((r) => [r.name, r.cells.map((c) => `${c.state}|${c.text}`)]));
    expect(cells.fast).toEqual(['completed|ran (1.15 s median)', 'completed|ran (0.31 s median)']);
    expect(cells.gamma).toEqual(['skipped|skipped: runs one task per worker', 'skipped|skipped: runs one task per worker']);
    expect(cells.delta![0]).toBe(`errored|errored: ${NASTY_REASON}`);
  });

  it('shows the environment: node, cpu, cores, git sha with its dirty flag, library versions', () => {
    const alpha = section(model, 'alpha');
    const env = Object.fromEntries(alpha.env.map((f) => [f.label, f.value]));
    expect(env.Node).toBe('v20.20.2 (V8 11.3)');
    expect(env.CPU).toBe('Fixture CPU');
    expect(env.cores).toBe('4 (available parallelism 4)');
    expect(env.git).toMatch(/^bbbbbbb \(bbbbbbb0+\)$/);
    expect(alpha.libraries).toEqual(['fastq@1.20.3', 'p-limit@7.3.3']);
  });
});

describe('report model: several machines', () => {
  const other = (id: string, createdAt: string, env: object) =>
    fixtureResults({ id, createdAt, sha: 'ccccccc', env, implementations: [completed('fast', [5000, 5100, 5200]), completed('slow', [9000, 9100, 9200])] });

  it('groups files by hardware (CPU model, cores, memory, Node major), and never mixes their history or tables', () => {
    const files = [
      ...standardFixtures(),
      other('alpha', '2026-02-01T00:00:00.000Z', { cpuModel: 'Other CPU' }),
      other('alpha', '2026-01-15T00:00:00.000Z', { cores: 64, gitDirty: true }),
    ];
    const model = buildReportModel(asLoaded(files));
    expect(model.machines.map((m) => m.label)).toEqual([
      'Other CPU, 4 cores, 16 GiB, Node 20, x64',
      'Fixture CPU, 64 cores, 16 GiB, Node 20, x64',
      'Fixture CPU, 4 cores, 16 GiB, Node 20, x64',
    ]);
    const [otherCpu, manyCores, original] = model.machines;
    expect(otherCpu!.sections.map((s) => s.history.length)).toEqual([1]);
    expect(otherCpu!.sections[0]!.charts.map((c) => c.kind)).not.toContain('history');
    expect(manyCores!.sections[0]!.facts.find((f) => f.label === 'measured')?.value).toContain('commit ccccccc+dirty');
    // The original machine's newest alpha is still its own, unaffected by the newer files from the other machines.
    expect(original!.sections.find((s) => s.scenarioId === 'alpha')!.rows[0]!.cells[3]).toBe('1.15 [1.10–1.25]');
    expect(original!.sections.find((s) => s.scenarioId === 'alpha')!.history).toHaveLength(2);
  });

  it('keeps one machine when only the kernel build differs', () => {
    const model = buildReportModel(asLoaded([...standardFixtures(), other('alpha', '2026-02-01T00:00:00.000Z', { os: 'Linux 6.1.0-99-cloud-amd64' })]));
    expect(model.machines).toHaveLength(1);
    expect(model.machines[0]!.sections.find((s) => s.scenarioId === 'alpha')!.history).toHaveLength(3);
  });

  it('puts one colour per name across machines', () => {
    const model = buildReportModel(asLoaded([...standardFixtures(), other('alpha', '2026-02-01T00:00:00.000Z', { cpuModel: 'Other CPU' })]));
    const fastIn = (m: number) => traces(chart(model.machines[m]!.sections[0]!, 'time'))[0]!.line?.color;
    expect(fastIn(0)).toBe(fastIn(1));
  });
});

describe('report model: charts drawn only when their data exists', () => {
  it('adds a latency chart when runs carry latency percentiles', () => {
    const p = (base: number) => ({ p50: base, p90: base + 1, p99: base + 2, p999: base + 3, max: base + 4 });
    const latency = { samples: 100, sampleEvery: 1, wait: p(10), run: p(20), total: p(30) };
    const files = [fixtureResults({
      id: 'lat', createdAt: '2026-01-01T00:00:00.000Z',
      implementations: [completed('fast', [100, 110, 120], 20, { latency }), completed('slow', [200, 210, 220]), skipped('gamma', 'no')],
    })];
    const lat = chart(section(buildReportModel(asLoaded(files)), 'lat'), 'latency');
    expect(traces(lat).map((t) => [t.name, t.x, t.y])).toEqual([
      ['fast', ['wait p50', 'wait p99', 'wait p99.9', 'run p50', 'run p99', 'run p99.9'], [10, 12, 13, 20, 22, 23]],
    ]);
  });

  it('draws a sweep against its numeric parameter, one line per other swept value, with the ideal', () => {
    const at = (tasks: number, producer: string, ms: number, createdAt = '2026-01-01T00:00:00.000Z') => {
      const r = fixtureResults({ id: 'grow', createdAt, implementations: [completed('fast', [ms, ms, ms])] });
      return { ...r, ideal: { ms: tasks / 10, basis: 'test' }, scenario: { ...r.scenario, tasks, point: { producer, tasks } } };
    };
    const files = [at(1000, 'upfront', 200), at(100, 'upfront', 50), at(100, 'window 8', 40), at(1000, 'window 8', 150),
      // An older file of one point: only the newest of each point is drawn.
      at(1000, 'window 8', 999, '2025-01-01T00:00:00.000Z')];
    const model = buildReportModel(asLoaded(files));
    expect(model.machines[0]!.sections.map((s) => s.scenarioId)).toEqual([
      'grow [producer=upfront tasks=100]', 'grow [producer=upfront tasks=1000]', 'grow [producer=window 8 tasks=100]', 'grow [producer=window 8 tasks=1000]',
    ]);
    const [time, heap] = model.machines[0]!.charts;
    expect(time!.layout.xaxis?.type).toBe('log');
    expect(traces(time!).map((t) => [t.name, t.x, t.y])).toEqual([
      ['ideal (producer=upfront)', [100, 1000], [0.01, 0.1]],
      ['fast (producer=upfront)', [100, 1000], [0.05, 0.2]],
      ['ideal (producer=window 8)', [100, 1000], [0.01, 0.1]],
      ['fast (producer=window 8)', [100, 1000], [0.04, 0.15]],
    ]);
    expect(heap!.title).toBe('grow: peak heap');
    expect(traces(heap!).every((t) => !t.name!.startsWith('ideal'))).toBe(true);
  });

  it('adds a scaling chart when scenarios differ only in concurrency', () => {
    const at = (id: string, concurrency: number, ms: number) =>
      fixtureResults({ id, concurrency, createdAt: '2026-01-01T00:00:00.000Z', implementations: [completed('fast', [ms, ms, ms]), errored('delta', 'x')] });
    const model = buildReportModel(asLoaded([at('c100', 100, 400), at('c10', 10, 1000), at('other', 10, 5)].map((r, n) => {
      // "other" has a different workload, so it belongs to no curve.
      return n === 2 ? { ...r, scenario: { ...r.scenario, workload: { kind: 'noop' as const } } } : r;
    })));
    const scaling = model.machines[0]!.charts;
    expect(scaling.map((c) => c.kind)).toEqual(['scaling']);
    expect(traces(scaling[0]!).map((t) => [t.name, t.x, t.y])).toEqual([['fast', [10, 100], [1, 0.4]]]);
    expect(scaling[0]!.layout.xaxis?.type).toBe('log');
  });

  it('leaves out charts with nothing to show: a scenario where every implementation was skipped', () => {
    const files = [fixtureResults({ id: 'none', createdAt: '2026-01-01T00:00:00.000Z', implementations: [skipped('gamma', 'cannot'), errored('delta', 'broke')] })];
    const s = section(buildReportModel(asLoaded(files)), 'none');
    expect(s.charts).toEqual([]);
    expect(s.rows.map((r) => r.state)).toEqual(['errored', 'skipped']);
  });
});

describe('report model: the trend of every gated metric', () => {
  const MB = 1024 * 1024;
  const counted = (perTask: number): InstructionCount => ({
    state: 'counted', perTask, counts: [{ tasks: 100, instructions: 100 * perTask }, { tasks: 200, instructions: 200 * perTask }], method: 'cachegrind (test)',
  });
  const withInstructions = (impl: ImplementationResult, instructions: InstructionCount): ImplementationResult =>
    impl.state === 'completed' ? { ...impl, instructions } : impl;
  // Nine runs: the 95 % interval of the median is [2nd smallest, 2nd largest] (coverage 1 − 2·10/512 = 96.1 %).
  const nine = [900, 100, 500, 300, 700, 200, 800, 400, 600];
  // Six runs, the last with a problem: the gate drops it, and five clean runs are too few for a 95 % interval.
  const flawed = (): ImplementationResult => {
    const impl = completed('fast', [100, 200, 300, 400, 500, 5000], 30);
    if (impl.state !== 'completed') throw new Error('fixture');
    impl.runs[5] = { ...impl.runs[5]!, problems: ['2 tasks lost'] } as typeof impl.runs[number];
    return impl;
  };
  const files = [
    fixtureResults({ id: 'drift', createdAt: '2026-03-01T09:00:00.000Z', sha: 'aaaaaaa', implementations: [
      withInstructions(completed('fast', nine, 20), counted(1234.4)), completed('slow', [1000, 1100, 1200], 50)] }),
    fixtureResults({ id: 'drift', createdAt: '2026-03-02T09:00:00.000Z', sha: 'bbbbbbb', implementations: [flawed()] }),
    fixtureResults({ id: 'drift', createdAt: '2026-03-03T09:00:00.000Z', sha: 'ccccccc', implementations: [
      withInstructions(completed('fast', nine.map((ms) => ms * 2), 40), counted(1300)),
      withInstructions(completed('slow', [1000, 1100, 1200], 50), { state: 'failed', reason: 'valgrind died', method: 'cachegrind (test)' })] }),
  ];
  const drift = section(buildReportModel(asLoaded(files)), 'drift');
  const trend = (key: string) => {
    const found = drift.charts.find((c) => c.id === `m0-s0-history-${key}`);
    if (!found) throw new Error(`no ${key} trend`);
    return traces(found);
  };
  const days = ['2026-03-01 09:00<br>aaaaaaa', '2026-03-02 09:00<br>bbbbbbb', '2026-03-03 09:00<br>ccccccc'];
  /** Each point's interval as [low, high] from its whiskers, or null where it has none. */
  const bounds = (t: TraceView) => t.y!.map((y, i) => {
    const plus = t.error_y!.array![i]!;
    const minus = t.error_y!.arrayminus![i]!;
    if (plus === NO_WHISKER || minus === NO_WHISKER) return null;
    return [Number(((y as number) - (minus as number)).toFixed(6)), Number(((y as number) + (plus as number)).toFixed(6))];
  });

  it('draws one trend per gated metric, instructions included once two files counted them', () => {
    expect(drift.charts.filter((c) => c.kind === 'history').map((c) => c.title)).toEqual([
      'Trend: median wall time', 'Trend: median peak heap', 'Trend: median CPU per task', 'Trend: instructions per task',
    ]);
  });

  it('plots the median of clean runs with the 95 % interval of that median as whiskers', () => {
    const [fast, slow] = trend('wall');
    expect(fast!.x).toEqual(days);
    // The flawed file: the median of its five clean runs (300 ms), not of all six (350 ms).
    expect(fast!.y).toEqual([0.5, 0.3, 1]);
    expect(bounds(fast!)).toEqual([[0.2, 0.8], null, [0.4, 1.6]]);
    expect(fast!.text![0]).toBe('96.1 % interval of the median 0.200 s – 0.800 s, from 9 clean runs');
    expect(fast!.text![1]).toBe('5 clean runs: too few for a 95 % interval of the median, so no whisker');
    // slow is absent from the middle file: no point there, and three runs give no interval.
    expect(slow!.x).toEqual([days[0], days[2]]);
    expect(slow!.y).toEqual([1.1, 1.1]);
    expect(bounds(slow!)).toEqual([null, null]);
  });

  it('reads heap in MB and CPU per task in µs from the same runs', () => {
    const heap = trend('heap')[0]!;
    // completed() gives run i a peak heap of base + i MB: 20…28 MB, then 30…34 (the sixth, flawed run dropped), then 40…48.
    expect(heap.y).toEqual([24, 32, 44]);
    expect(bounds(heap)).toEqual([[21, 27], null, [41, 47]]);
    const cpu = trend('cpu')[0]!;
    // Each run's CPU is 0.6 × its wall time, over the fixture's 1000 tasks: ms per 1000 tasks = 0.6 × wall µs per task.
    expect(cpu.y!.map((y) => Number((y as number).toFixed(6)))).toEqual([300, 180, 600]);
    expect(bounds(cpu)).toEqual([[120, 480], null, [240, 960]]);
  });

  it('draws instructions as counted points without whiskers, only where they were counted', () => {
    const instructions = trend('instructions');
    expect(instructions.map((t) => [t.name, t.x, t.y])).toEqual([['fast', [days[0], days[2]], [1234.4, 1300]]]);
    expect(instructions[0]!.error_y).toBeUndefined();
    expect(instructions[0]!.text![0]).toBe('counted once, no interval: cachegrind (test)');
  });

  it('says in the caption what the whiskers are', () => {
    const [wall, , , instructions] = drift.charts.filter((c) => c.kind === 'history');
    expect(wall!.caption).toContain('whiskers: the 95 % confidence interval of that median');
    expect(wall!.caption).toContain('A point without whiskers had too few runs for that interval');
    expect(instructions!.caption).toContain('one count per file, so no whiskers');
  });

  it('leaves a row out of the wall and heap trends in a file that ran it at a smaller task count, but keeps its CPU per task', () => {
    const scaledFast = (impl: ImplementationResult): ImplementationResult =>
      impl.state === 'completed' ? { ...impl, scaled: { tasks: 500, fromTasks: 1000, reason: 'slow (test)', ideal: null } } : impl;
    const mixed = [files[0]!, { ...files[2]!, implementations: files[2]!.implementations.map((i) => (i.name === 'fast' ? scaledFast(i) : i)) }];
    const s = section(buildReportModel(asLoaded(mixed)), 'drift');
    const pointsOf = (key: string) => traces(s.charts.find((c) => c.id === `m0-s0-history-${key}`)!).find((t) => t.name === 'fast')?.x;
    // fast is scaled in the second file: its wall and heap points there are left out; slow keeps both of its.
    expect(pointsOf('wall')).toEqual([days[0]]);
    expect(pointsOf('heap')).toEqual([days[0]]);
    expect(pointsOf('cpu')).toEqual([days[0], days[2]]);
    expect(s.charts.find((c) => c.id === 'm0-s0-history-wall')!.caption).toContain('or a row run at a smaller task count (scaled) there');
  });

  it('leaves out a metric with data in fewer than two files', () => {
    const once = [files[0]!, { ...files[2]!, implementations: files[2]!.implementations.map((i) => (i.state === 'completed' ? { ...i, instructions: undefined } : i)) }];
    const s = section(buildReportModel(asLoaded(once)), 'drift');
    expect(s.charts.filter((c) => c.kind === 'history').map((c) => c.id)).toEqual(['m0-s0-history-wall', 'm0-s0-history-heap', 'm0-s0-history-cpu']);
  });
});
