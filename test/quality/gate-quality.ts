// Measures the gate's error rates on real measurements (not a unit test; takes minutes):
//   node dist/test/quality/gate-quality.js [--repeats 20] [--runs 8] [--scenario gate]
// Each repeat runs baseline and candidate children interleaved (as `pnpm gate --against` does) and asks the gate:
//   A/A       home-async against itself: any "regressed" is a false alarm;
//   slowed N% home-async against a test-only copy doing extra CPU per task, calibrated to N % of home-async's median.
import { parseArgs } from 'node:util';
import { registry } from '../../impls/registry.js';
import { loadScenario } from '../../scenarios/load.js';
import { runChild } from '../../harness/run/child.js';
import { judge, DEFAULT_THRESHOLDS } from '../../harness/gate/compare.js';
import { compiledFile } from '../../core/paths.js';
import { DEFAULT_CHILD_HEAP_LIMIT_MB, resolveThreads } from '../../harness/run/runner.js';
import { median } from '../../harness/stats/stats.js';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '20' }, runs: { type: 'string', default: '8' }, scenario: { type: 'string', default: 'gate' } } });
const repeats = Number(values.repeats);
const runs = Number(values.runs);
const { scenario } = loadScenario(values.scenario);
const threads = resolveThreads(scenario);
const fixture = compiledFile('test', 'fixtures', 'slowed-home.js');

async function wall(candidateSlowed: boolean): Promise<number> {
  const request = candidateSlowed
    ? { scenario, implementation: 'slowedHomeAsync', threads, adapterModule: fixture }
    : { scenario, implementation: 'home-async', threads };
  const { reply } = await runChild(request, scenario.timeLimitSeconds, DEFAULT_CHILD_HEAP_LIMIT_MB);
  if (reply.type !== 'measured') throw new Error(reply.reason);
  return reply.sample.wallMs;
}

/** One gate decision: `runs` interleaved pairs (B A, A B, …). */
async function decide(slowed: boolean): Promise<{ verdict: string; change: number }> {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < runs; r++) {
    if (r % 2 === 0) {
      a.push(await wall(false));
      b.push(await wall(slowed));
    } else {
      b.push(await wall(slowed));
      a.push(await wall(false));
    }
  }
  const j = judge(a, b, DEFAULT_THRESHOLDS.wallMs);
  return { verdict: j.verdict, change: j.change };
}

// Calibrate empirically: the main thread is not busy all the time, so extra CPU per task does not add to wall time
// one for one. Bisect the steps per task until the slowed copy's median (5 runs) is the target ratio of the base's.
async function medianWall(slowed: boolean, n = 5): Promise<number> {
  const walls: number[] = [];
  for (let i = 0; i < n; i++) walls.push(await wall(slowed));
  return median(walls);
}
const baseMs = await medianWall(false);
process.stdout.write(`home-async on ${scenario.id}: median ${baseMs.toFixed(0)} ms over 5 runs\n`);
async function calibrate(target: number): Promise<number> {
  let low = 0;
  let high = 4000;
  let best = { steps: 0, error: Infinity, ratio: 1 };
  for (let probe = 0; probe < 7; probe++) {
    const steps = Math.round((low + high) / 2);
    process.env.POOLBENCH_SLOW_ITERATIONS = String(steps);
    const ratio = (await medianWall(true)) / baseMs;
    if (Math.abs(ratio - 1 - target) < best.error) best = { steps, error: Math.abs(ratio - 1 - target), ratio };
    if (ratio - 1 < target) low = steps;
    else high = steps;
  }
  process.stdout.write(`calibrated ${target * 100} %: ${best.steps} steps per task gave ${((best.ratio - 1) * 100).toFixed(1)} % over 5 runs\n`);
  return best.steps;
}
const steps = new Map<number, number>([[0, 0], [0.1, await calibrate(0.1)], [0.25, await calibrate(0.25)]]);

for (const slowdown of [0, 0.1, 0.25]) {
  process.env.POOLBENCH_SLOW_ITERATIONS = String(steps.get(slowdown));
  const verdicts: string[] = [];
  const changes: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const { verdict, change } = await decide(slowdown > 0);
    verdicts.push(verdict);
    changes.push(change);
  }
  const count = (v: string) => verdicts.filter((x) => x === v).length;
  const label = slowdown === 0 ? 'A/A (same code)' : `slowed ${slowdown * 100} % (${process.env.POOLBENCH_SLOW_ITERATIONS} steps/task)`;
  process.stdout.write(
    `${label}: regressed ${count('regressed')}/${repeats}, no change ${count('no change')}, inconclusive ${count('inconclusive')}, improved ${count('improved')}; ` +
      `median measured change ${(median(changes) * 100).toFixed(1)} % [${(Math.min(...changes) * 100).toFixed(1)} … ${(Math.max(...changes) * 100).toFixed(1)} %]\n`,
  );
}
void registry;
