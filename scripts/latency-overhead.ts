// `node dist/scripts/latency-overhead.js --scenario million --impl home-async --pairs 8`: what per-task latency
// recording costs. Runs pairs of fresh children on one scenario and implementation, one with recording on and
// one with it off, alternating which goes first, and compares wall and CPU time (medians, per-pair ratios,
// Mann–Whitney). This is how the README's overhead figure is measured; it is not part of `pnpm bench`.
import { parseArgs } from 'node:util';
import { implementationNames, isImplementationName } from '../impls/registry.js';
import { loadScenario } from '../scenarios/load.js';
import { runChild } from '../harness/run/child.js';
import { runCli } from '../harness/cli/run-cli.js';
import { errors } from '../core/errors.js';
import { mannWhitney } from '../harness/stats/mann-whitney.js';
import { DEFAULT_CHILD_HEAP_LIMIT_MB, resolveThreads } from '../harness/run/runner.js';
import { median } from '../harness/stats/stats.js';
import { Bench } from 'tinybench';
import { createProbe } from '../scenarios/workloads/task.js';
import { LatencyRecorder, sampleEveryFor } from '../harness/measure/latency.js';

/**
 * The recording's own cost, without the noise of whole runs: tinybench times what one recorded task adds (two
 * clock reads and three histogram records in the producer, one clock read and a store in the task). Times the
 * number of recorded tasks, over the run's wall time, it estimates the overhead; it leaves out the remainder every
 * task computes to learn whether it is sampled, and cache effects.
 */
async function perRecordedTaskNs(): Promise<number> {
  const probe = createProbe(1024, 1, false);
  const recorder = new LatencyRecorder(probe);
  const starts = new Float64Array(probe.starts);
  let id = 0;
  const bench = new Bench({ name: 'latency recording', time: 500, warmupTime: 100 });
  bench.add('one recorded task', () => {
    id = (id + 1) & 1023;
    recorder.submitted(id);
    starts[id] = performance.now();
    recorder.settled(id, undefined);
  });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || result.state !== 'completed') throw new Error('could not time one recorded task');
  return result.latency.p50 * 1e6;
}

interface Measured {
  wallMs: number;
  cpuMs: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { scenario: { type: 'string', default: 'million' }, impl: { type: 'string', default: 'home-async' }, pairs: { type: 'string', default: '8' } },
  });
  const impl = values.impl;
  if (!isImplementationName(impl)) throw errors.unknownImplementation(impl, implementationNames);
  const pairs = Number(values.pairs);
  if (!Number.isInteger(pairs) || pairs < 2) throw errors.invalidFlag('pairs', values.pairs, 'an integer ≥ 2');
  const { scenario } = loadScenario(values.scenario);
  const threads = resolveThreads(scenario);
  const on: Measured[] = [];
  const off: Measured[] = [];
  const once = async (latency: boolean): Promise<Measured> => {
    const { reply } = await runChild({ scenario, implementation: impl, threads, latency }, scenario.timeLimitSeconds, DEFAULT_CHILD_HEAP_LIMIT_MB);
    if (reply.type !== 'measured') throw new Error(`run with latency ${latency ? 'on' : 'off'} failed: ${reply.reason}`);
    const s = reply.sample;
    if (s.tally.completed !== scenario.tasks) throw new Error(`run completed ${s.tally.completed} of ${scenario.tasks} tasks`);
    return { wallMs: s.wallMs, cpuMs: s.cpuUserMs + s.cpuSystemMs };
  };
  for (let pair = 0; pair < pairs; pair++) {
    // ABBA order: neither setting always runs first on a machine that warms up or drifts.
    const first = pair % 2 === 0;
    const a = await once(first);
    const b = await once(!first);
    (first ? on : off).push(a);
    (first ? off : on).push(b);
    process.stderr.write(`pair ${pair + 1}/${pairs}: on ${(on[pair]!.wallMs / 1000).toFixed(3)} s, off ${(off[pair]!.wallMs / 1000).toFixed(3)} s\n`);
  }
  const report = (metric: keyof Measured): string => {
    const a = on.map((m) => m[metric]);
    const b = off.map((m) => m[metric]);
    const ratios = a.map((x, i) => x / b[i]!);
    const mw = mannWhitney(a, b);
    return (
      `${metric}: on ${median(a).toFixed(0)} ms, off ${median(b).toFixed(0)} ms, median ratio of medians ${(median(a) / median(b)).toFixed(4)}; ` +
      `per-pair ratio median ${median(ratios).toFixed(4)} [${Math.min(...ratios).toFixed(4)} … ${Math.max(...ratios).toFixed(4)}]; ` +
      `Mann–Whitney p = ${mw.p.toFixed(3)} (${mw.method})`
    );
  };
  const ns = await perRecordedTaskNs();
  const recorded = Math.ceil(scenario.tasks / sampleEveryFor(scenario.tasks));
  const boundMs = (ns * recorded) / 1e6;
  const offWall = median(off.map((m) => m.wallMs));
  process.stdout.write(
    [
      `latency recording overhead: ${impl} on ${scenario.id}, ${pairs} pairs of fresh children, ABBA order`,
      report('wallMs'),
      report('cpuMs'),
      `one recorded task costs ${ns.toFixed(0)} ns (tinybench p50); ${recorded} of ${scenario.tasks} tasks are recorded ` +
        `(one in ${sampleEveryFor(scenario.tasks)}), so recording adds about ${boundMs.toFixed(1)} ms, ` +
        `${((100 * boundMs) / offWall).toFixed(2)} % of the median wall time with recording off`,
    ].join('\n') + '\n',
  );
}

await runCli(main);
