// Measures the instructions-per-task gate's error rates (not a unit test; takes about half a minute per count):
//   node dist/test/quality/instruction-quality.js [--repeats 10] [--steps 3] [--scenario gate] [--small 10000] [--large 60000]
// Each repeat counts the test-only copy of home-async twice with no extra work (A/A: any "regressed" is a false
// alarm) and once with `--steps` extra xorshift steps per task, then asks judgeCount with the default threshold.
// All three counts go through the same adapter, so the planted steps are the only difference. Counting is done under
// valgrind, so the machine's load does not enter the figures.
import { parseArgs } from 'node:util';
import { loadScenario } from '../../scenarios/load.js';
import { countInstructions, type CountRequest } from '../../harness/measure/instructions.js';
import { judgeCount, DEFAULT_THRESHOLDS } from '../../harness/gate/compare.js';
import { compiledFile } from '../../core/paths.js';
import { resolveThreads } from '../../harness/run/runner.js';
import { median } from '../../harness/stats/stats.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '10' }, steps: { type: 'string', default: '3' }, scenario: { type: 'string', default: 'gate' },
    small: { type: 'string', default: '10000' }, large: { type: 'string', default: '60000' },
  },
});
const repeats = Number(values.repeats);
const { scenario } = loadScenario(values.scenario);
const base: CountRequest = {
  scenario, implementation: 'slowedHomeAsync', threads: resolveThreads(scenario), smallTasks: Number(values.small), largeTasks: Number(values.large),
};
const slowed: CountRequest = { ...base, adapterModule: compiledFile('test', 'fixtures', 'slowed-home.js') };
const threshold = DEFAULT_THRESHOLDS.instructionsPerTask;

async function count(request: CountRequest, steps: number): Promise<number> {
  process.env.POOLBENCH_SLOW_ITERATIONS = String(steps);
  const r = await countInstructions(request);
  if (r.state !== 'counted') throw new Error(`${request.implementation}: ${r.state}: ${r.reason}`);
  return r.perTask;
}

const steps = Number(values.steps);
const aa: number[] = [];
const planted: number[] = [];
process.stdout.write(`scenario ${scenario.id} with no-op tasks, slope ${values.small}–${values.large} tasks, threshold ${(threshold * 100).toFixed(1)} %, slowed copy +${steps} steps/task\n`);
for (let k = 0; k < repeats; k++) {
  const a = await count(slowed, 0);
  const again = await count(slowed, 0);
  const s = await count(slowed, steps);
  aa.push(again / a - 1);
  planted.push(s / a - 1);
  process.stdout.write(`repeat ${k + 1}: A ${a.toFixed(1)}, A' ${again.toFixed(1)} (${((again / a - 1) * 100).toFixed(2)} %), slowed ${s.toFixed(1)} (${((s / a - 1) * 100).toFixed(2)} %)\n`);
}
const verdicts = (changes: number[]) => changes.map((c) => judgeCount(1, 1 + c, threshold).verdict);
const tally = (changes: number[]) => {
  const v = verdicts(changes);
  return `regressed ${v.filter((x) => x === 'regressed').length}/${changes.length}, no change ${v.filter((x) => x === 'no change').length}, improved ${v.filter((x) => x === 'improved').length}`;
};
const spread = (changes: number[]) => `median ${(median(changes) * 100).toFixed(2)} % [${(Math.min(...changes) * 100).toFixed(2)} … ${(Math.max(...changes) * 100).toFixed(2)} %]`;
process.stdout.write(`A/A: ${tally(aa)}; change ${spread(aa)}\n`);
process.stdout.write(`slowed +${steps} steps: ${tally(planted)}; change ${spread(planted)}\n`);
