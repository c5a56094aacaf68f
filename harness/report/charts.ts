// Results → Plotly chart specs (plain data, rendered later in the browser). Every builder returns null when its data is
// absent, so a report never shows an empty placeholder chart.
// Types only: the page inlines the cartesian build (write.ts), which ships no types; these are the same plotly.js version's.
import type { Data, Layout } from 'plotly.js-dist';
import { colorOf, type ColorMap } from './colors.js';
import { pointLabel } from '../../scenarios/schema.js';
import { type RunSample, type ImplementationResult, type ResultsFile, type LatencySummary } from '../results/schema.js';
import { dependsOnTaskCount, rowTasks, samplesOf, type GateMetric } from '../gate/compare.js';
import { DEFAULT_CONFIDENCE, medianInterval } from '../stats/intervals.js';

export type ChartKind = 'time' | 'heap' | 'rss' | 'memory' | 'latency' | 'history' | 'scaling';

export interface ChartSpec {
  /** The id of the chart's element in the page. */
  id: string;
  kind: ChartKind;
  /** Short, drawn in the chart (Plotly titles do not wrap, so this must fit a phone). */
  title: string;
  /** What exactly is plotted, shown under the chart where it can wrap. */
  caption: string;
  data: Data[];
  layout: Partial<Layout>;
}

type Completed = Extract<ImplementationResult, { state: 'completed' }>;

const MB = 1024 * 1024;

function layout(title: string, xTitle: string, yTitle: string, extra: Partial<Layout> = {}): Partial<Layout> {
  return {
    title: { text: title, x: 0, xanchor: 'left', font: { size: 15 } },
    xaxis: { title: { text: xTitle }, automargin: true },
    yaxis: { title: { text: yTitle }, automargin: true, rangemode: 'tozero' },
    margin: { l: 56, r: 16, t: 48, b: 48 },
    font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 12 },
    // Below the plot, anchored to the container's bottom edge: Plotly then grows the bottom margin to fit it instead of
    // drawing it over the x-axis title on a narrow screen.
    legend: { orientation: 'h', x: 0, xref: 'container', y: 0, yref: 'container', yanchor: 'bottom' },
    hovermode: 'closest',
    ...extra,
  };
}

/** Completed implementations, in the order given (the table's order). */
export function completedIn(results: ResultsFile, order: readonly string[]): Completed[] {
  const byName = new Map(results.implementations.map((i) => [i.name, i]));
  return order.flatMap((name) => {
    const impl = byName.get(name);
    return impl?.state === 'completed' ? [impl] : [];
  });
}

export function measuredSamples(impl: ImplementationResult): RunSample[] {
  return impl.state === 'skipped' ? [] : impl.runs.flatMap((r) => (r.state === 'measured' ? [r.sample] : []));
}

/** The run at the lower middle by wall time: a real run (not an average of two), so its timeline is one that happened. */
export function medianRun(impl: ImplementationResult): RunSample | undefined {
  const sorted = measuredSamples(impl).sort((a, b) => a.wallMs - b.wallMs);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Every measured run's wall time, as a box with its points, and the ideal as a dashed line. */
export function timeChart(id: string, results: ResultsFile, order: readonly string[], colors: ColorMap): ChartSpec | null {
  const impls = completedIn(results, order).filter((i) => measuredSamples(i).length > 0);
  if (impls.length === 0) return null;
  const data: Data[] = impls.map((impl) => {
    const color = colorOf(colors, impl.name);
    return {
      type: 'box',
      name: impl.name,
      y: measuredSamples(impl).map((s) => s.wallMs / 1000),
      boxpoints: 'all',
      jitter: 0.35,
      pointpos: 0,
      marker: { color, size: 6 },
      line: { color },
      showlegend: false,
      hovertemplate: '%{fullData.name}: %{y:.3f} s<extra></extra>',
    };
  });
  const ideal = results.ideal;
  const title = 'Wall time per run';
  return {
    id,
    kind: 'time',
    title,
    caption: `Every measured run (${results.runsPerImplementation} per implementation, each a fresh process) as a point, with its box; ` +
      (ideal ? `the dashed line is the ideal, ${ideal.basis}.` : 'this workload has no ideal time.'),
    data,
    layout: layout(title, 'implementation', 'wall time (s)', ideal
      ? {
          shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, yref: 'y', y0: ideal.ms / 1000, y1: ideal.ms / 1000, line: { color: '#333', dash: 'dash', width: 1.5 } }],
          annotations: [{ xref: 'paper', x: 1, xanchor: 'right', yref: 'y', y: ideal.ms / 1000, yanchor: 'bottom', text: `ideal ${(ideal.ms / 1000).toFixed(2)} s`, showarrow: false, font: { size: 11, color: '#333' } }],
        }
      : {}),
  };
}

function peakChart(
  id: string,
  kind: 'heap' | 'rss',
  results: ResultsFile,
  order: readonly string[],
  colors: ColorMap,
): ChartSpec | null {
  const impls = completedIn(results, order);
  if (impls.length === 0) return null;
  const pick = (impl: Completed) => (kind === 'heap' ? impl.summary.heapPeakBytes : impl.summary.maxRssBytes);
  const title = kind === 'heap' ? 'Peak heap (main thread)' : 'Peak RSS (whole process)';
  const medians = impls.map((i) => pick(i).median / MB);
  return {
    id,
    kind,
    title,
    caption: kind === 'heap'
      ? 'Median over runs of the peak main-thread heapUsed, whiskers min–max. Worker heaps are not included (they show in RSS).'
      : "Median over runs of the child's peak RSS (the OS's maxRSS, setup and warm-up included), whiskers min–max.",
    data: [
      {
        type: 'bar',
        x: impls.map((i) => i.name),
        y: medians,
        marker: { color: impls.map((i) => colorOf(colors, i.name)) },
        error_y: {
          type: 'data',
          symmetric: false,
          array: impls.map((i, n) => pick(i).max / MB - medians[n]!),
          arrayminus: impls.map((i, n) => medians[n]! - pick(i).min / MB),
          color: '#444',
        },
        hovertemplate: '%{x}: %{y:.1f} MB<extra></extra>',
        showlegend: false,
      },
    ],
    layout: layout(title, 'implementation', kind === 'heap' ? 'peak heapUsed (MB)' : 'peak RSS (MB)'),
  };
}

export const heapChart = (id: string, r: ResultsFile, order: readonly string[], c: ColorMap) => peakChart(id, 'heap', r, order, c);
export const rssChart = (id: string, r: ResultsFile, order: readonly string[], c: ColorMap) => peakChart(id, 'rss', r, order, c);

/** The heap sampling interval a file records; files written before it was recorded sampled every 20 ms. */
export function heapIntervalText(results: ResultsFile): string {
  return results.sampling ? `${results.sampling.heap.intervalMs} ms` : '20 ms (the interval before files recorded it)';
}

/** Fewer timeline points than this and the line gets markers. */
const SPARSE = 20;

/** heapUsed over the timed run, one line per implementation, from its median run. */
export function memoryChart(id: string, results: ResultsFile, order: readonly string[], colors: ColorMap): ChartSpec | null {
  const lines = completedIn(results, order).flatMap((impl) => {
    const timeline = medianRun(impl)?.timeline ?? [];
    return timeline.length ? [{ impl, timeline }] : [];
  });
  if (lines.length === 0) return null;
  const title = 'Heap used over time';
  return {
    id,
    kind: 'memory',
    title,
    caption: `Main-thread heapUsed, sampled every ${heapIntervalText(results)} during the timed run of each implementation’s median run (by wall time).` +
      (lines.some((l) => l.timeline.length < SPARSE)
        ? ' A line with markers has few samples: the sampling timer could not fire while the main thread was busy.'
        : ''),
    data: lines.map(({ impl, timeline }) => ({
      type: 'scatter',
      // Markers show where samples are sparse, so a straight line between two samples is not read as a measurement.
      mode: timeline.length < SPARSE ? 'lines+markers' : 'lines',
      name: impl.name,
      x: timeline.map((p) => p.t / 1000),
      y: timeline.map((p) => p.heapUsed / MB),
      line: { color: colorOf(colors, impl.name), width: 1.5 },
      hovertemplate: '%{fullData.name}: %{y:.1f} MB at %{x:.2f} s<extra></extra>',
    })),
    layout: layout(title, 'time since first submit (s)', 'heapUsed (MB)'),
  };
}

/** The percentiles the latency chart shows, from a run's histograms (see scripts/latency.ts). */
const LATENCY_BARS = [
  ['wait p50', 'wait', 'p50'], ['wait p99', 'wait', 'p99'], ['wait p99.9', 'wait', 'p999'],
  ['run p50', 'run', 'p50'], ['run p99', 'run', 'p99'], ['run p99.9', 'run', 'p999'],
] as const;

export function latencyOf(sample: RunSample): LatencySummary | null {
  return sample.latency && sample.latency.samples > 0 ? sample.latency : null;
}

export function latencyChart(id: string, results: ResultsFile, order: readonly string[], colors: ColorMap): ChartSpec | null {
  const bars = completedIn(results, order).flatMap((impl) => {
    const run = medianRun(impl);
    const latency = run ? latencyOf(run) : null;
    return latency ? [{ impl, latency }] : [];
  });
  if (bars.length === 0) return null;
  const title = 'Task latency percentiles';
  const every = bars[0]!.latency.sampleEvery;
  return {
    id,
    kind: 'latency',
    title,
    caption:
      'Wait (submit → start) and run (start → completion seen by the caller) percentiles of each implementation’s ' +
      `median run (by wall time), log scale${every > 1 ? `; every ${every}th task recorded` : ''}.`,
    data: bars.map(({ impl, latency }) => ({
      type: 'bar',
      name: impl.name,
      x: LATENCY_BARS.map(([label]) => label),
      y: LATENCY_BARS.map(([, part, p]) => Math.max(latency[part][p], 0.001)),
      marker: { color: colorOf(colors, impl.name) },
      hovertemplate: '%{fullData.name} %{x}: %{y:.3f} ms<extra></extra>',
    })),
    layout: layout(title, 'percentile', 'latency (ms, log scale)', { barmode: 'group', yaxis: { title: { text: 'latency (ms, log scale)' }, type: 'log', automargin: true } }),
  };
}

/** The axis a sweep's charts use: a numeric swept field when there is one, else the point labels. */
function sweepAxis(files: readonly ResultsFile[]): 'tasks' | 'concurrency' | 'threads' | null {
  const first = files[0]?.scenario.point ?? {};
  if ('tasks' in first && files.some((f) => f.scenario.tasks !== files[0]!.scenario.tasks)) return 'tasks';
  if ('concurrency' in first && files.some((f) => f.scenario.concurrency !== files[0]!.scenario.concurrency)) return 'concurrency';
  if ('threads' in first && files.some((f) => f.scenario.threads !== files[0]!.scenario.threads)) return 'threads';
  return null;
}

/** A point's thread count; a swept value is always a number ('auto' never appears in a threads sweep). */
function threadsOf(r: ResultsFile): number {
  return typeof r.scenario.threads === 'number' ? r.scenario.threads : r.env.availableParallelism;
}

/**
 * The speed-up-per-thread curve of a threads sweep: each implementation's median time at its fewest threads over
 * its time at each count, with perfect scaling (threads / fewest threads) as a dashed line and the machine's cores
 * marked, past which extra threads only share cores.
 */
function speedupChart(id: string, sweepId: string, files: readonly ResultsFile[], colors: ColorMap): ChartSpec {
  const sorted = [...files].sort((a, b) => threadsOf(a) - threadsOf(b));
  const names = [...new Set(files.flatMap((r) => r.implementations.map((i) => i.name)))].sort();
  const data: Data[] = [];
  const counts = sorted.map(threadsOf);
  const lowest = counts[0]!;
  data.push({
    type: 'scatter', mode: 'lines', name: 'perfect scaling', x: counts, y: counts.map((t) => t / lowest),
    line: { color: '#000', dash: 'dash', width: 1 }, hovertemplate: 'perfect: %{y:.2f}× at %{x} threads<extra></extra>',
  });
  for (const name of names) {
    const pts = sorted.flatMap((r) => {
      const impl = r.implementations.find((i) => i.name === name);
      return impl?.state === 'completed' ? [{ x: threadsOf(r), ms: impl.summary.wallMs.median }] : [];
    });
    if (pts.length < 2) continue;
    const base = pts[0]!;
    data.push({
      type: 'scatter', mode: 'lines+markers', name, x: pts.map((p) => p.x), y: pts.map((p) => base.ms / p.ms),
      line: { color: colorOf(colors, name) }, marker: { color: colorOf(colors, name) },
      hovertemplate: `%{fullData.name}: %{y:.2f}× at %{x} threads (vs ${base.x})<extra></extra>`,
    });
  }
  const cores = files[0]!.env.availableParallelism;
  const title = `${sweepId}: speed-up per thread`;
  return {
    id, kind: 'scaling', title,
    caption: `Median time at the fewest threads each implementation completed, over its median time at each thread count. ` +
      `Dashed black: perfect scaling. This machine has ${cores} cores: past ${cores} threads they share cores, so the curve flattens.`,
    data,
    layout: layout(title, 'threads', `speed-up (× time at ${lowest} thread${lowest === 1 ? '' : 's'})`, {
      xaxis: { title: { text: 'threads' }, type: 'linear', dtick: 1, automargin: true },
      shapes: [{ type: 'line', x0: cores, x1: cores, yref: 'paper', y0: 0, y1: 1, line: { color: '#888', dash: 'dot', width: 1 } }],
    }),
  };
}

/**
 * Time and heap against the swept parameter, one line per implementation (and per value of any other swept
 * field), with the ideal as a dashed black line. `files`: the newest file of each point of one sweep.
 */
export function sweepCharts(idPrefix: string, files: readonly ResultsFile[], colors: ColorMap): ChartSpec[] {
  if (files.length < 2) return [];
  const sweepId = files[0]!.scenario.id;
  const axis = sweepAxis(files);
  const xOf = (r: ResultsFile): number | string =>
    axis === 'tasks' ? r.scenario.tasks : axis === 'concurrency' ? r.scenario.concurrency : axis === 'threads' ? threadsOf(r) : pointLabel(r.scenario.point ?? {});
  const groupOf = (r: ResultsFile): string => {
    const rest = Object.entries(r.scenario.point ?? {}).filter(([k]) => k !== axis);
    return rest.map(([k, v]) => `${k}=${String(v)}`).join(' ');
  };
  const groups = [...new Set(files.map(groupOf))];
  const names = [...new Set(files.flatMap((r) => r.implementations.map((i) => i.name)))].sort();
  const dashes = ['solid', 'dot', 'dash', 'dashdot'] as const;
  const traces = (metric: 'time' | 'heap'): Data[] => {
    const data: Data[] = [];
    groups.forEach((group, g) => {
      const members = files.filter((r) => groupOf(r) === group).sort((a, b) => (axis ? Number(xOf(a)) - Number(xOf(b)) : 0));
      const suffix = group ? ` (${group})` : '';
      if (metric === 'time' && members.some((r) => r.ideal)) {
        const pts = members.flatMap((r) => (r.ideal ? [{ x: xOf(r), y: r.ideal.ms / 1000 }] : []));
        data.push({
          type: 'scatter', mode: 'lines', name: `ideal${suffix}`, x: pts.map((p) => p.x), y: pts.map((p) => p.y),
          line: { color: '#000', dash: 'dash', width: 1 }, hovertemplate: `ideal${suffix}: %{y:.3f} s<extra></extra>`,
        });
      }
      for (const name of names) {
        const pts = members.flatMap((r) => {
          const impl = r.implementations.find((i) => i.name === name);
          if (impl?.state !== 'completed') return [];
          // A scaled-down implementation ran fewer tasks than the point: on a task axis it is drawn where it ran.
          const x = axis === 'tasks' && impl.scaled ? impl.scaled.tasks : xOf(r);
          return [{ x, y: metric === 'time' ? impl.summary.wallMs.median / 1000 : impl.summary.heapPeakBytes.median / (1024 * 1024) }];
        });
        if (pts.length === 0) continue;
        data.push({
          type: 'scatter', mode: 'lines+markers', name: `${name}${suffix}`, x: pts.map((p) => p.x), y: pts.map((p) => p.y),
          line: { color: colorOf(colors, name), dash: dashes[g % dashes.length] }, marker: { color: colorOf(colors, name) },
          hovertemplate: `%{fullData.name}: %{y:.3f} ${metric === 'time' ? 's' : 'MB'} at %{x}<extra></extra>`,
        });
      }
    });
    return data;
  };
  // Thread counts are few and small: a linear axis reads them better than a log one.
  const logAxis = axis !== null && axis !== 'threads';
  const xTitle = axis ? `${axis}${logAxis ? ' (log scale)' : ''}` : 'sweep point';
  const xaxis = { title: { text: xTitle }, type: logAxis ? ('log' as const) : axis ? ('linear' as const) : ('category' as const), automargin: true };
  const caption = `Sweep ${sweepId}: ${files.length} points, newest file of each; medians. Lines end where an implementation skipped or errored.`;
  return [
    {
      id: `${idPrefix}-time`, kind: 'scaling', title: `${sweepId}: median wall time`, caption: `${caption} Dashed black: the ideal.`,
      data: traces('time'),
      layout: layout(`${sweepId}: median wall time`, xTitle, 'median wall time (s, log scale)', { xaxis, yaxis: { title: { text: 'median wall time (s, log scale)' }, type: 'log', automargin: true } }),
    },
    {
      id: `${idPrefix}-heap`, kind: 'scaling', title: `${sweepId}: peak heap`, caption,
      data: traces('heap'),
      layout: layout(`${sweepId}: peak heap`, xTitle, 'peak heapUsed (MB, log scale)', { xaxis, yaxis: { title: { text: 'peak heapUsed (MB, log scale)' }, type: 'log', automargin: true } }),
    },
    // Only when threads is the one swept field: with others swept too, one curve per implementation would mix them.
    ...(axis === 'threads' && groups.length === 1 ? [speedupChart(`${idPrefix}-speedup`, sweepId, files, colors)] : []),
  ];
}

export interface HistoryPoint {
  createdAt: string;
  /** Short git sha, "+dirty" when the tree was, or "no git". */
  sha: string;
  results: ResultsFile;
}

/** How one gated metric is drawn: per-run values come from the gate's own reading (samplesOf), so the page and the gate agree. */
interface TrendMetric {
  metric: GateMetric;
  /** The id suffix. */
  key: string;
  title: string;
  yTitle: string;
  /** Gate unit → axis unit (a division where it can be: 1150 / 1000 is 1.15, 1150 × 0.001 is not). */
  toAxis: (value: number) => number;
  unit: string;
  digits: number;
  /** What a point is, for the caption. */
  what: string;
}

const TREND_METRICS: readonly TrendMetric[] = [
  { metric: 'wallMs', key: 'wall', title: 'Trend: median wall time', yTitle: 'median wall time (s)', toAxis: (ms) => ms / 1000, unit: 's', digits: 3,
    what: 'median wall time of its clean measured runs' },
  { metric: 'heapPeakBytes', key: 'heap', title: 'Trend: median peak heap', yTitle: 'median peak heapUsed (MB)', toAxis: (bytes) => bytes / MB, unit: 'MB', digits: 1,
    what: 'median peak main-thread heapUsed of its clean measured runs' },
  { metric: 'cpuMsPerTask', key: 'cpu', title: 'Trend: median CPU per task', yTitle: 'median CPU per task (µs)', toAxis: (ms) => ms * 1000, unit: 'µs', digits: 2,
    what: 'median over its clean measured runs of (user + system CPU) / tasks run' },
  { metric: 'instructionsPerTask', key: 'instructions', title: 'Trend: instructions per task', yTitle: 'instructions per task (count)', toAxis: (count) => count, unit: '', digits: 0,
    what: 'count of instructions per task under valgrind (pnpm bench --instructions)' },
];

/**
 * Plotly reads each whisker length with unary +: null would read as 0 and draw a flat tick, while JSON has no NaN.
 * The string 'NaN' reads as NaN, and Plotly then draws no whisker for that point.
 */
export const NO_WHISKER = 'NaN';

/** One trend point: a file's value of one metric for one implementation, in the axis unit. */
export interface TrendPoint {
  category: string;
  value: number;
  /** The 95 % interval of the median (sampled metrics with enough runs); null for a count or too few runs. */
  interval: { low: number; high: number; confidence: number } | null;
  hover: string;
}

/** The category of one file on a trend chart: irregular run dates stay evenly spaced, each labelled with its commit. */
function trendCategory(p: HistoryPoint): string {
  return `${p.createdAt.slice(0, 16).replace('T', ' ')}<br>${p.sha}`;
}

/** One implementation's points of one metric across the files (oldest first); a file without that metric's data has none. */
export function trendPoints(sorted: readonly HistoryPoint[], name: string, metric: GateMetric): TrendPoint[] {
  const spec = TREND_METRICS.find((m) => m.metric === metric)!;
  const show = (x: number) => `${x.toFixed(spec.digits)}${spec.unit ? ` ${spec.unit}` : ''}`;
  return sorted.flatMap((p): TrendPoint[] => {
    // A row a file ran at a smaller task count (scaled) has a smaller wall time and heap that are not a trend: the
    // same rule by which the gate refuses to compare them.
    if (dependsOnTaskCount(metric) && rowTasks(p.results, name) !== p.results.scenario.tasks) return [];
    const values = samplesOf(p.results, name, metric);
    if (values.length === 0) return [];
    const category = trendCategory(p);
    if (metric === 'instructionsPerTask') {
      const impl = p.results.implementations.find((i) => i.name === name);
      const method = impl?.state === 'completed' && impl.instructions ? `: ${impl.instructions.method}` : '';
      return [{ category, value: spec.toAxis(values[0]!), interval: null, hover: `counted once, no interval${method}` }];
    }
    const median = medianInterval(values.map(spec.toAxis));
    if (median.confidence === null) {
      return [{ category, value: median.estimate, interval: null,
        hover: `${values.length} clean run${values.length === 1 ? '' : 's'}: too few for a ${DEFAULT_CONFIDENCE * 100} % interval of the median, so no whisker` }];
    }
    return [{
      category, value: median.estimate, interval: { low: median.low, high: median.high, confidence: median.confidence },
      hover: `${(median.confidence * 100).toFixed(1)} % interval of the median ${show(median.low)} – ${show(median.high)}, from ${values.length} clean runs`,
    }];
  });
}

function trendChart(id: string, spec: TrendMetric, sorted: readonly HistoryPoint[], names: readonly string[], colors: ColorMap): ChartSpec | null {
  const series = names.map((name) => ({ name, points: trendPoints(sorted, name, spec.metric) })).filter((s) => s.points.length > 0);
  const filesWithData = new Set(series.flatMap((s) => s.points.map((p) => p.category)));
  if (filesWithData.size < 2) return null;
  const counted = spec.metric === 'instructionsPerTask';
  const hoverValue = `%{y:${counted ? ',.0f' : `.${spec.digits}f`}}${spec.unit ? ` ${spec.unit}` : ''}`;
  const data: Data[] = series.map(({ name, points }) => ({
    type: 'scatter',
    mode: 'lines+markers',
    name,
    x: points.map((p) => p.category),
    y: points.map((p) => p.value),
    text: points.map((p) => p.hover),
    // A count has no interval: its trace carries no whiskers at all.
    ...(counted
      ? {}
      : {
          error_y: {
            type: 'data' as const,
            symmetric: false,
            array: points.map((p) => (p.interval ? p.interval.high - p.value : NO_WHISKER)),
            arrayminus: points.map((p) => (p.interval ? p.value - p.interval.low : NO_WHISKER)),
            thickness: 1,
          },
        }),
    line: { color: colorOf(colors, name) },
    marker: { color: colorOf(colors, name) },
    hovertemplate: `%{fullData.name}: ${hoverValue}<br>%{text}<extra>%{x}</extra>`,
  }));
  const xTitle = 'results file (created at UTC, git sha)';
  const files = `The ${sorted.length} results files of this scenario on this machine, oldest first. Each point is the ${spec.what}`;
  const caption = counted
    ? `${files}: one count per file, so no whiskers. A missing point means that file has no count for the implementation.`
    : `${files}. Clean runs are the ones the gate compares (measured, no problems); whiskers: the ${DEFAULT_CONFIDENCE * 100} % confidence interval of that median ` +
      '(order statistics, no assumption about the distribution). A point without whiskers had too few runs for that interval; ' +
      `a missing point means no clean run in that file${spec.metric === 'cpuMsPerTask' ? '' : ', or a row run at a smaller task count (scaled) there'}.`;
  return {
    id,
    kind: 'history',
    title: spec.title,
    caption,
    data,
    layout: layout(spec.title, xTitle, spec.yTitle, {
      xaxis: { title: { text: xTitle }, type: 'category', categoryorder: 'array', categoryarray: sorted.map(trendCategory), automargin: true },
    }),
  };
}

/**
 * The trend of every gated metric across the files of one scenario on one machine, oldest first: one chart per
 * metric with data in at least two files, so a slow drift shows as well as a step.
 */
export function historyCharts(idPrefix: string, points: readonly HistoryPoint[], colors: ColorMap): ChartSpec[] {
  if (points.length < 2) return [];
  const sorted = [...points].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const names = [...new Set(sorted.flatMap((p) => p.results.implementations.map((i) => i.name)))].sort();
  return TREND_METRICS.flatMap((spec) => trendChart(`${idPrefix}-${spec.key}`, spec, sorted, names, colors) ?? []);
}

function familyKey(r: ResultsFile): string {
  const s = r.scenario;
  return JSON.stringify([s.workload, s.tasks, s.producer?.style]);
}

/**
 * Scaling curves: scenarios with the same workload, task count and producer style that differ only in concurrency
 * (or only in threads) form a curve per implementation. The shipped scenarios differ in more than that, so today
 * nothing qualifies and no chart is drawn.
 */
export function scalingCharts(idPrefix: string, newest: readonly ResultsFile[], colors: ColorMap): ChartSpec[] {
  const families = new Map<string, ResultsFile[]>();
  // Sweep points get their own charts (sweepCharts); here only separate scenarios that happen to form a curve.
  for (const r of newest.filter((f) => !f.scenario.point)) families.set(familyKey(r), [...(families.get(familyKey(r)) ?? []), r]);
  const charts: ChartSpec[] = [];
  for (const members of families.values()) {
    if (members.length < 2) continue;
    const threads = new Set(members.map((r) => String(r.scenario.threads)));
    const concurrency = new Set(members.map((r) => r.scenario.concurrency));
    const axis = threads.size === 1 && concurrency.size === members.length ? 'concurrency'
      : concurrency.size === 1 && threads.size === members.length ? 'threads' : null;
    if (axis === null) continue;
    const xOf = (r: ResultsFile) => (axis === 'concurrency' ? r.scenario.concurrency : Number(r.scenario.threads));
    if (members.some((r) => !Number.isFinite(xOf(r)))) continue;
    const sorted = [...members].sort((a, b) => xOf(a) - xOf(b));
    const names = [...new Set(sorted.flatMap((r) => r.implementations.map((i) => i.name)))].sort();
    const data: Data[] = names.flatMap((name) => {
      const pts = sorted.flatMap((r) => {
        const impl = r.implementations.find((i) => i.name === name);
        return impl?.state === 'completed' ? [{ x: xOf(r), y: impl.summary.wallMs.median / 1000 }] : [];
      });
      if (pts.length < 2) return [];
      const trace: Data = {
        type: 'scatter',
        mode: 'lines+markers',
        name,
        x: pts.map((p) => p.x),
        y: pts.map((p) => p.y),
        line: { color: colorOf(colors, name) },
        marker: { color: colorOf(colors, name) },
        hovertemplate: `%{fullData.name}: %{y:.3f} s at ${axis} %{x}<extra></extra>`,
      };
      return [trace];
    });
    if (data.length === 0) continue;
    const title = `Median wall time vs ${axis}`;
    charts.push({
      id: `${idPrefix}-${charts.length}`,
      kind: 'scaling',
      title,
      caption: `Scenarios ${sorted.map((r) => r.scenario.id).join(', ')}: same workload, tasks and producer, different ${axis}; newest file of each.`,
      data,
      layout: layout(title, `${axis} (log scale)`, 'median wall time (s)', {
        xaxis: { title: { text: `${axis} (log scale)` }, type: 'log', automargin: true },
      }),
    });
  }
  return charts;
}
