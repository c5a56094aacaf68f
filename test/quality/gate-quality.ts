// Measures the gate's error rates for the sampled metrics (wall time, peak heap, CPU per task) on real runs. Not a
// unit test: it takes about a minute per repeat and must run alone on the machine.
//   node dist/test/quality/gate-quality.js [--repeats 20] [--runs 8] [--scenario gate] [--levels 0.01,0.03,0.1,0.25]
//     [--out results/notes/gate-quality.json]
// Every child runs the test-only copy of home-async (test/fixtures/slowed-home.ts), so the planted extra CPU per task
// is the only difference between groups. Calibration: 5 runs each with 0 and 200 extra xorshift steps per task give
// the CPU per task one step costs; a planted level L then gets L × (CPU per task at 0 steps) of extra steps.
// Each repeat runs `runs` rounds of the groups A, A' (no extra work) and every planted level, in an order rotated
// every round (as the gate's A/B mode interleaves), then asks the gate's own `judge` per metric: A' against A (any
// "regressed" is a false alarm) and each level against A. It also records whether the 95 % interval of the ratio A'/A
// contains 1 (interval coverage) and each group's run-to-run CV.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadScenario } from '../../scenarios/load.js';
import { runChild } from '../../harness/run/child.js';
import { judge, DEFAULT_THRESHOLDS, type GateMetric } from '../../harness/gate/compare.js';
import { compiledFile } from '../../core/paths.js';
import { DEFAULT_CHILD_HEAP_LIMIT_MB, resolveThreads, rotatedOrder } from '../../harness/run/runner.js';
import { median, summarize } from '../../harness/stats/stats.js';
import { ratioInterval } from '../../harness/stats/intervals.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '20' }, runs: { type: 'string', default: '8' }, scenario: { type: 'string', default: 'gate' },
    levels: { type: 'string', default: '0.01,0.03,0.1,0.25' }, out: { type: 'string' },
  },
});
const repeats = Number(values.repeats);
const runs = Number(values.runs);
const levels = values.levels.split(',').map(Number);
const { scenario } = loadScenario(values.scenario);
const threads = resolveThreads(scenario);
const fixture = compiledFile('test', 'fixtures', 'slowed-home.js');
const log = (line: string) => process.stdout.write(`${line}\n`);
type Metric = Exclude<GateMetric, 'instructionsPerTask'>;
const METRICS: Metric[] = ['wallMs', 'heapPeakBytes', 'cpuMsPerTask'];
type Sample = Record<Metric, number>;

async function measure(steps: number): Promise<Sample> {
  process.env.POOLBENCH_SLOW_ITERATIONS = String(steps);
  const { reply } = await runChild({ scenario, implementation: 'slowedHomeAsync', threads, adapterModule: fixture }, scenario.timeLimitSeconds, DEFAULT_CHILD_HEAP_LIMIT_MB);
  if (reply.type !== 'measured') throw new Error(reply.reason);
  const s = reply.sample;
  return { wallMs: s.wallMs, heapPeakBytes: s.heapPeakBytes, cpuMsPerTask: (s.cpuUserMs + s.cpuSystemMs) / scenario.tasks };
}

const started = Date.now();
const calibrationSteps = 200;
const cpuAt = async (steps: number) => {
  const xs: number[] = [];
  for (let i = 0; i < 5; i++) xs.push((await measure(steps)).cpuMsPerTask);
  return median(xs);
};
const baseCpu = await cpuAt(0);
const perStep = ((await cpuAt(calibrationSteps)) - baseCpu) / calibrationSteps;
const stepsOf = new Map(levels.map((level) => [level, (level * baseCpu) / perStep]));
log(`scenario ${scenario.id}, ${runs} runs a group, thresholds ${METRICS.map((m) => `${m} ${DEFAULT_THRESHOLDS[m] * 100} %`).join(', ')}`);
log(`calibration: ${(baseCpu * 1000).toFixed(3)} µs CPU/task, ${(perStep * 1e6).toFixed(3)} ns per extra step; ` +
  levels.map((l) => `${l * 100} % = ${stepsOf.get(l)!.toFixed(1)} steps`).join(', '));

const groups = ['A', "A'", ...levels.map(String)];
const stepsOfGroup = (g: string) => (g === 'A' || g === "A'" ? 0 : stepsOf.get(Number(g))!);
type Repeat = Record<string, Sample[]>;
const rows: Repeat[] = [];
for (let k = 0; k < repeats; k++) {
  const repeat: Repeat = Object.fromEntries(groups.map((g) => [g, []]));
  for (let r = 0; r < runs; r++) for (const g of rotatedOrder(groups, r)) repeat[g]!.push(await measure(stepsOfGroup(g)));
  rows.push(repeat);
  const change = (g: string, m: Metric) => `${((median(repeat[g]!.map((s) => s[m])) / median(repeat.A!.map((s) => s[m])) - 1) * 100).toFixed(1)}`;
  log(`repeat ${k + 1} (${((Date.now() - started) / 60000).toFixed(1)} min): ` +
    METRICS.map((m) => `${m} ${groups.slice(1).map((g) => change(g, m)).join('/')} %`).join('; '));
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const cvOf = (xs: number[]) => {
  const { sd, mean } = summarize(xs);
  return sd / mean;
};
const summary: Record<string, unknown> = {};
for (const m of METRICS) {
  const metricValues = (rep: Repeat, g: string) => rep[g]!.map((s) => s[m]);
  const tally = (g: string, threshold: number) => {
    const js = rows.map((rep) => judge(metricValues(rep, 'A'), metricValues(rep, g), threshold));
    const n = (v: string) => js.filter((j) => j.verdict === v).length;
    return { regressed: n('regressed'), noChange: n('no change'), inconclusive: n('inconclusive'), improved: n('improved'), changes: js.map((j) => j.change) };
  };
  const covered = rows.filter((rep) => {
    const i = ratioInterval(metricValues(rep, "A'"), metricValues(rep, 'A'));
    return i.low <= 1 && 1 <= i.high;
  }).length;
  const cv = median(rows.flatMap((rep) => [cvOf(metricValues(rep, 'A')), cvOf(metricValues(rep, "A'"))]));
  const byThreshold: Record<string, Record<string, ReturnType<typeof tally>>> = {};
  for (const threshold of [...new Set([DEFAULT_THRESHOLDS[m], 0.02, 0.05, 0.1])].sort((a, b) => a - b)) {
    byThreshold[threshold] = Object.fromEntries(groups.slice(1).map((g) => [g, tally(g, threshold)]));
  }
  summary[m] = { cv, intervalCoverage: covered, byThreshold };
  log(`\n${m}: run-to-run CV (median over groups of ${runs}) ${pct(cv)}; 95 % interval of A'/A contains 1 in ${covered}/${repeats}`);
  for (const [threshold, byGroup] of Object.entries(byThreshold)) {
    const label = Number(threshold) === DEFAULT_THRESHOLDS[m] ? ' (default)' : '';
    log(`  threshold ${pct(Number(threshold))}${label}: ` + Object.entries(byGroup).map(([g, t]) =>
      `${g === "A'" ? 'A/A' : `${Number(g) * 100} %`} regressed ${t.regressed}/${repeats} (inconclusive ${t.inconclusive}, median change ${pct(median(t.changes))})`).join('; '));
  }
}
log(`\n${((Date.now() - started) / 60000).toFixed(1)} min in all`);
if (values.out) {
  writeFileSync(values.out, `${JSON.stringify({ scenario: scenario.id, runs, baseCpu, perStep, steps: Object.fromEntries(stepsOf), rows, summary }, null, 1)}\n`);
  log(`raw runs written to ${values.out}`);
}
