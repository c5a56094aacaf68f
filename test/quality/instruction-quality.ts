// Measures the instructions-per-task gate's error rates (not a unit test; about 15 s per count):
//   node dist/test/quality/instruction-quality.js [--repeats 20] [--levels 0.01,0.03,0.1,0.25] [--scenario gate]
//     [--small 10000] [--large 60000] [--out results/notes/instruction-quality.json]
// Calibration counts the test-only copy of home-async with 0 and with 40 extra xorshift steps per task, and sets each
// planted level's steps (fractional: see test/fixtures/slowed-home.ts) to that share of the 0-step count. Each repeat
// then counts A and A' (no extra work: any "regressed" is a false alarm) and every planted level, and asks judgeCount
// with the default threshold against that repeat's A. All counts go through the same adapter, so the planted steps are
// the only difference. Counting runs under valgrind, so the machine's load does not enter the figures.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadScenario } from '../../scenarios/load.js';
import { countInstructions, type CountRequest } from '../../harness/measure/instructions.js';
import { judgeCount, DEFAULT_THRESHOLDS } from '../../harness/gate/compare.js';
import { compiledFile } from '../../core/paths.js';
import { resolveThreads } from '../../harness/run/runner.js';
import { median, summarize } from '../../harness/stats/stats.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '20' }, levels: { type: 'string', default: '0.01,0.03,0.1,0.25' },
    scenario: { type: 'string', default: 'gate' }, small: { type: 'string', default: '10000' }, large: { type: 'string', default: '60000' },
    out: { type: 'string' },
  },
});
const repeats = Number(values.repeats);
const levels = values.levels.split(',').map(Number);
const { scenario } = loadScenario(values.scenario);
const request: CountRequest = {
  scenario, implementation: 'slowedHomeAsync', threads: resolveThreads(scenario), smallTasks: Number(values.small),
  largeTasks: Number(values.large), adapterModule: compiledFile('test', 'fixtures', 'slowed-home.js'),
};
const threshold = DEFAULT_THRESHOLDS.instructionsPerTask;
const log = (line: string) => process.stdout.write(`${line}\n`);

async function count(steps: number): Promise<number> {
  process.env.POOLBENCH_SLOW_ITERATIONS = String(steps);
  const r = await countInstructions(request);
  if (r.state !== 'counted') throw new Error(`${request.implementation}: ${r.state}: ${r.reason}`);
  return r.perTask;
}

const started = Date.now();
const base = await count(0);
const calibrationSteps = 40;
const perStep = ((await count(calibrationSteps)) - base) / calibrationSteps;
const stepsOf = new Map(levels.map((level) => [level, (level * base) / perStep]));
log(`scenario ${scenario.id} with no-op tasks, slope ${values.small}–${values.large} tasks, threshold ${(threshold * 100).toFixed(1)} %`);
log(`calibration: ${base.toFixed(1)} instructions/task, ${perStep.toFixed(2)} more per extra step; ` +
  levels.map((l) => `${l * 100} % = ${stepsOf.get(l)!.toFixed(2)} steps`).join(', '));

interface Repeat { a: number; again: number; planted: Record<string, number> }
const rows: Repeat[] = [];
for (let k = 0; k < repeats; k++) {
  const a = await count(0);
  const again = await count(0);
  const planted: Record<string, number> = {};
  for (const level of levels) planted[level] = await count(stepsOf.get(level)!);
  rows.push({ a, again, planted });
  log(`repeat ${k + 1}: A ${a.toFixed(1)}, A' ${((again / a - 1) * 100).toFixed(2)} %, ` +
    levels.map((l) => `${l * 100} %: ${((planted[l]! / a - 1) * 100).toFixed(2)} %`).join(', '));
}

const tally = (label: string, changes: number[]) => {
  const verdicts = changes.map((c) => judgeCount(1, 1 + c, threshold).verdict);
  const n = (v: string) => verdicts.filter((x) => x === v).length;
  const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
  log(`${label}: regressed ${n('regressed')}/${changes.length}, no change ${n('no change')}, improved ${n('improved')}; ` +
    `measured change median ${pct(median(changes))} [${pct(Math.min(...changes))} … ${pct(Math.max(...changes))}]`);
  return { regressed: n('regressed'), noChange: n('no change'), improved: n('improved'), changes };
};
const aaCounts = rows.flatMap((r) => [r.a, r.again]);
const { sd, mean } = summarize(aaCounts);
const cv = sd / mean;
const summary = {
  aa: tally('A/A', rows.map((r) => r.again / r.a - 1)),
  planted: Object.fromEntries(levels.map((l) => [l, tally(`planted ${l * 100} %`, rows.map((r) => r.planted[l]! / r.a - 1))])),
};
log(`run-to-run CV of the ${aaCounts.length} unplanted counts: ${(cv * 100).toFixed(2)} %; ${((Date.now() - started) / 60000).toFixed(1)} min in all`);
if (values.out) {
  writeFileSync(values.out, `${JSON.stringify({ scenario: scenario.id, threshold, base, perStep, steps: Object.fromEntries(stepsOf), cv, rows, summary }, null, 1)}\n`);
  log(`raw counts written to ${values.out}`);
}
