// How far repeated instruction counts of one implementation spread (not a unit test; about half a minute a count):
//   node dist/test/quality/count-spread.js [--impl home-threads] [--repeats 8] [--scenario gate]
// Counts the implementation as `pnpm bench --instructions` does (harness/measure/instructions.ts, its default slope),
// one count after another, and prints each count, the range and how far apart the extremes are.
import { parseArgs } from 'node:util';
import { loadScenario } from '../../scenarios/load.js';
import { countInstructions } from '../../harness/measure/instructions.js';
import { resolveThreads } from '../../harness/run/runner.js';

const { values } = parseArgs({ options: { impl: { type: 'string', default: 'home-threads' }, repeats: { type: 'string', default: '8' }, scenario: { type: 'string', default: 'gate' } } });
const { scenario } = loadScenario(values.scenario);
const counts: number[] = [];
for (let i = 0; i < Number(values.repeats); i++) {
  const r = await countInstructions({ scenario, implementation: values.impl, threads: resolveThreads(scenario) });
  if (r.state !== 'counted') throw new Error(`${values.impl}: ${r.state}: ${r.reason}`);
  counts.push(r.perTask);
  process.stdout.write(`${values.impl} count ${i + 1}: ${r.perTask.toFixed(1)} instructions per task (${r.method})\n`);
}
const low = Math.min(...counts);
const high = Math.max(...counts);
process.stdout.write(`${values.impl} on ${scenario.id}: ${counts.length} counts from ${low.toFixed(1)} to ${high.toFixed(1)}, ${((high / low - 1) * 100).toFixed(1)} % apart\n`);
