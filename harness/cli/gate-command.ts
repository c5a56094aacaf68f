// `pnpm gate --baseline <file|folder> --candidate <file>`: per implementation × metric, regressed / improved /
// no change / inconclusive. Exit 0: nothing regressed; 1: a regression; 2: bad input (flags, files, incomparable
// sides); 3: the gate itself failed (a crash, a baseline that would not build), so CI never reads a failure as a verdict.
import { appendFileSync, writeFileSync } from 'node:fs';
import { parseFlags } from './flags.js';
import { errors } from '../../core/errors.js';
import { loadScenario } from '../../scenarios/load.js';
import { runAb } from '../gate/ab.js';
import { ALL_GATE_METRICS, compare, DEFAULT_ALPHA, DEFAULT_THRESHOLDS, GATE_METRICS, THREADED_INSTRUCTIONS_THRESHOLD, type GateMetric } from '../gate/compare.js';
import { renderGateMarkdown, renderGateTable } from '../gate/render.js';
import { readResultsFile } from '../results/store.js';
import { findValgrind } from '../measure/instructions.js';
import { checkComparable, resolveBaseline } from '../gate/baseline.js';
import { type ResultsFile } from '../results/schema.js';

const USAGE = `Usage: pnpm gate --baseline <results file or folder> --candidate <results file> [--impl <name>]...
       pnpm gate --against <git ref> [--scenario gate] [--runs N] [--impl <name>]...
   both: [--metric wallMs|heapPeakBytes|cpuMsPerTask|instructionsPerTask]... (default: instructionsPerTask)
         [--alpha 0.05] [--time-threshold 0.10] [--heap-threshold 0.20] [--cpu-threshold 0.10]
         [--instructions-threshold 0.005] [--threaded-instructions-threshold 0.15] [--markdown FILE] [--force]
instructionsPerTask counts under valgrind (--against counts both sides, after 1 timed run a side unless --runs or a
sampled metric asks for more; files need pnpm bench --instructions). Without valgrind it exits 3 before building.
Exit codes: 0 nothing regressed, 1 regressed, 2 bad input or incomparable sides, 3 the gate failed to run.
--force compares results from different hardware or scenario definitions anyway.`;

function fraction(flag: string, value: string | undefined, fallback: number, max = 1): number {
  if (value === undefined) return fallback;
  const x = Number(value);
  if (!(x > 0 && x < max)) throw errors.invalidFlag(flag, value, `a number between 0 and ${max}`);
  return x;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseFlags(argv, {
    baseline: { type: 'string' },
    candidate: { type: 'string' },
    impl: { type: 'string', multiple: true },
    alpha: { type: 'string' },
    'time-threshold': { type: 'string' },
    'heap-threshold': { type: 'string' },
    markdown: { type: 'string' },
    against: { type: 'string' },
    scenario: { type: 'string' },
    runs: { type: 'string' },
    force: { type: 'boolean' },
    metric: { type: 'string', multiple: true },
    'cpu-threshold': { type: 'string' },
    'instructions-threshold': { type: 'string' },
    'threaded-instructions-threshold': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const metrics = (values.metric ?? [...GATE_METRICS]).map((m) => {
    if (!(ALL_GATE_METRICS as readonly string[]).includes(m)) throw errors.invalidFlag('metric', m, ALL_GATE_METRICS.join(' | '));
    return m as GateMetric;
  });
  const counting = metrics.includes('instructionsPerTask');
  let baseline: ResultsFile;
  let candidate: ResultsFile;
  let names: string[];
  if (values.against !== undefined) {
    const { scenario } = loadScenario(values.scenario ?? 'gate');
    // A missing counter is the gate failing to run (exit 3), found before the baseline is built, never a quiet pass.
    const valgrind = counting ? findValgrind() : null;
    if (valgrind && 'missing' in valgrind) {
      throw new Error(`the gate cannot count instructions per task (its default metric): ${valgrind.missing}; or choose --metric wallMs|heapPeakBytes|cpuMsPerTask`);
    }
    // Counted metrics need one completed run a side (the count follows it); sampled ones need the scenario's runs.
    const onlyCounted = metrics.every((m) => m === 'instructionsPerTask');
    const runs = values.runs === undefined ? (onlyCounted ? 1 : scenario.runs) : Number(values.runs);
    if (!Number.isSafeInteger(runs) || runs < 1) throw errors.invalidFlag('runs', values.runs, 'an integer ≥ 1');
    names = values.impl?.length ? values.impl : ['home-async', 'home-threads'];
    ({ baseline, candidate } = await runAb({
      ref: values.against,
      scenario,
      implementations: names,
      runs,
      instructions: metrics.includes('instructionsPerTask'),
      log: (line) => process.stderr.write(`${line}\n`),
    }));
  } else {
    if (!values.candidate) throw errors.missingFlag('candidate', 'a results file written by pnpm bench (or use --against <git ref>)');
    if (!values.baseline) throw errors.missingFlag('baseline', 'a results file, or a folder of them (committed baselines live in results/baselines/)');
    candidate = readResultsFile(values.candidate);
    baseline = resolveBaseline(values.baseline, candidate.scenario.id);
    if (!values.force) checkComparable(baseline, candidate);
    names = values.impl?.length
      ? values.impl
      : candidate.implementations.filter((i) => i.name.startsWith('home-') && i.state !== 'skipped').map((i) => i.name);
  }
  for (const name of names) {
    for (const [side, file] of [['candidate', candidate], ['baseline', baseline]] as const) {
      if (!file.implementations.some((i) => i.name === name)) {
        throw errors.invalidFlag('impl', name, `an implementation present in the ${side} (${file.implementations.map((i) => i.name).join(', ')})`);
      }
    }
  }
  const rows = compare(baseline, candidate, {
    implementations: names,
    metrics,
    alpha: fraction('alpha', values.alpha, DEFAULT_ALPHA, 0.5),
    // Flags beat the scenario's gateThresholds, which beat the defaults.
    thresholds: {
      wallMs: fraction('time-threshold', values['time-threshold'], candidate.scenario.gateThresholds?.wallMs ?? DEFAULT_THRESHOLDS.wallMs, 10),
      heapPeakBytes: fraction(
        'heap-threshold',
        values['heap-threshold'],
        candidate.scenario.gateThresholds?.heapPeakBytes ?? DEFAULT_THRESHOLDS.heapPeakBytes,
        10,
      ),
      cpuMsPerTask: fraction('cpu-threshold', values['cpu-threshold'], DEFAULT_THRESHOLDS.cpuMsPerTask, 10),
      instructionsPerTask: fraction('instructions-threshold', values['instructions-threshold'], DEFAULT_THRESHOLDS.instructionsPerTask, 10),
    },
    threadedInstructionsThreshold: fraction('threaded-instructions-threshold', values['threaded-instructions-threshold'], THREADED_INSTRUCTIONS_THRESHOLD, 10),
  });
  // A count that is not there is no verdict: bad input in files mode (exit 2), a failed count in A/B mode (exit 3).
  const uncounted = rows.filter((r) => r.metric === 'instructionsPerTask' && (r.nBaseline === 0 || r.nCandidate === 0));
  if (uncounted.length > 0) {
    const reasonIn = (file: ResultsFile, name: string): string | null => {
      const impl = file.implementations.find((i) => i.name === name);
      if (!impl) return null;
      if (impl.state !== 'completed') return impl.reason;
      return impl.instructions && impl.instructions.state !== 'counted' ? impl.instructions.reason : null;
    };
    const detail = uncounted
      .map((r) => `${r.implementation}: ${reasonIn(baseline, r.implementation) ?? reasonIn(candidate, r.implementation) ?? r.why}`)
      .join('; ');
    if (values.against === undefined) {
      throw errors.invalidFlag('metric', 'instructionsPerTask', `a metric both files hold (${detail}); write them with pnpm bench --instructions, or choose --metric wallMs|heapPeakBytes|cpuMsPerTask`);
    }
    throw new Error(`instructions per task could not be counted: ${detail}`);
  }
  const sha = (r: ResultsFile) => r.env.gitSha?.slice(0, 7) ?? 'no git';
  const title = `gate ${candidate.scenario.id}: candidate ${sha(candidate)} against baseline ${sha(baseline)}`;
  process.stdout.write(`${renderGateTable(rows, title)}\n`);
  const markdown = `${renderGateMarkdown(rows, title)}\n`;
  if (values.markdown) writeFileSync(values.markdown, markdown);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
  if (rows.some((r) => r.verdict === 'regressed')) process.exitCode = 1;
}

