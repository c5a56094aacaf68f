// Command-line flags of `pnpm bench`, parsed with node:util and checked against what is allowed.
import { parseFlags } from './flags.js';
import { errors } from '../../core/errors.js';
import { FORMATS, formatHelp, parseFormat, type Format } from '../output/format.js';
import { parseRuntimeSpec, type RuntimeSpec } from '../runtimes/runtime.js';

export interface BenchArgs {
  help: boolean;
  list: boolean;
  scenario?: string;
  impls: string[];
  runs?: number;
  format: Format;
  resultsDir?: string;
  /** false only with --no-latency: to measure what per-task latency recording costs. */
  latency: boolean;
  /** Also count instructions per task under valgrind (opt-in: about 1.5 minutes per implementation). */
  instructions: boolean;
  /** --runtime, as given (checked for form): each implementation runs under each; empty = this node only. */
  runtimes: RuntimeSpec[];
  /** Run until settled (--precision, --max-runs, --row-budget, --budget); absent: the scenario's own setting, if any. */
  adaptive?: { precision: number; maxRuns: number; rowBudgetSeconds: number; budgetSeconds?: number };
}

export const USAGE = `Usage: pnpm bench --scenario <id> [--impl <name>]... [--runs N] [--format ${FORMATS.join('|')}] [--results-dir DIR] [--no-latency]
       pnpm bench --list

  --scenario, -s   scenario id (a file in scenarios/) or a path to a scenario .json file
  --impl, -i       implementation to run; repeat for several (default: every registry row without its variants):
                     a name (piscina), a variant (piscina[atomics=disabled]), every variant of one (piscina[*]),
                     or a path to your own adapter module (./my-adapter.js; see impls/template/my-adapter.js)
  --runs, -r       measured runs per implementation, each in a fresh process (default: the scenario's runs)
  --format, -f     how to print each results file (default: table):
${formatHelp('                     ')}
  --results-dir    folder for results files (default: results/)
  --runtime RT     run the measured children under RT; repeat for several (each implementation runs under each):
                     node (this one), node@22, node@24…, bun, deno (fetched from npm into ~/.cache/poolbench/runtimes,
                     or $POOLBENCH_RUNTIME_CACHE), or a path to a node, bun or deno binary. See docs/runtimes.md
  --precision P    run until settled: keep giving each row interleaved runs until its median is known to ±P (0.05)
  --max-runs N     … or it has had N runs (default 20)
  --row-budget S   … or its runs have used S seconds (default 60), so slow rows do not hold fast ones hostage
  --budget S       … and start no run past the first --runs rounds once all rows' runs have used S seconds (default none)
  --instructions   also count instructions per task under valgrind's cachegrind (slow; skipped with a reason without valgrind)
  --no-latency     do not record per-task latency (only to measure what recording costs)
  --list, -l       list scenarios and implementations, and which implementation can run which scenario`;

/** Defaults for flags not given when any of --precision, --max-runs, --row-budget, --budget is (no --budget: no total budget). */
export const DEFAULT_ADAPTIVE = { precision: 0.05, maxRuns: 20, rowBudgetSeconds: 60 };

export function parseBenchArgs(argv: string[]): BenchArgs {
  const parsed = parseFlags(argv, {
    scenario: { type: 'string', short: 's' },
    impl: { type: 'string', short: 'i', multiple: true },
    runs: { type: 'string', short: 'r' },
    format: { type: 'string', short: 'f' },
    'results-dir': { type: 'string' },
    list: { type: 'boolean', short: 'l' },
    'no-latency': { type: 'boolean' },
    instructions: { type: 'boolean' },
    precision: { type: 'string' },
    'max-runs': { type: 'string' },
    'row-budget': { type: 'string' },
    budget: { type: 'string' },
    runtime: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  const v = parsed.values;
  const args: BenchArgs = { help: v.help ?? false, list: v.list ?? false, impls: v.impl ?? [], format: 'table', latency: !(v['no-latency'] ?? false), instructions: v.instructions ?? false, runtimes: (v.runtime ?? []).map(parseRuntimeSpec) };
  if (v.scenario !== undefined) args.scenario = v.scenario;
  if (v['results-dir'] !== undefined) args.resultsDir = v['results-dir'];
  if (v.runs !== undefined) {
    const runs = Number(v.runs);
    if (!/^\d+$/.test(v.runs) || !Number.isSafeInteger(runs) || runs < 1) {
      throw errors.invalidFlag('runs', v.runs, 'an integer ≥ 1');
    }
    args.runs = runs;
  }
  if (v.format !== undefined) args.format = parseFormat(v.format);
  if (v.precision !== undefined || v['max-runs'] !== undefined || v['row-budget'] !== undefined || v.budget !== undefined) {
    const precision = Number(v.precision ?? DEFAULT_ADAPTIVE.precision);
    if (!(precision > 0 && precision < 1)) throw errors.invalidFlag('precision', v.precision, 'a fraction > 0 and < 1 (0.05 = each median to ±5 %)');
    const maxRuns = Number(v['max-runs'] ?? DEFAULT_ADAPTIVE.maxRuns);
    if (!Number.isSafeInteger(maxRuns) || maxRuns < 1 || maxRuns > 1000) throw errors.invalidFlag('max-runs', v['max-runs'], 'an integer from 1 to 1000');
    const rowBudgetSeconds = Number(v['row-budget'] ?? DEFAULT_ADAPTIVE.rowBudgetSeconds);
    if (!(rowBudgetSeconds > 0 && rowBudgetSeconds <= 86_400)) throw errors.invalidFlag('row-budget', v['row-budget'], 'seconds > 0 and ≤ 86400');
    args.adaptive = { precision, maxRuns, rowBudgetSeconds };
    if (v.budget !== undefined) {
      const budgetSeconds = Number(v.budget);
      if (!(budgetSeconds > 0 && budgetSeconds <= 86_400)) throw errors.invalidFlag('budget', v.budget, 'seconds > 0 and ≤ 86400 (the child time all rows\' runs may use together)');
      args.adaptive.budgetSeconds = budgetSeconds;
    }
  }
  if (!args.help && !args.list && args.scenario === undefined) {
    throw errors.missingFlag('scenario', 'a scenario id, or --list to see them');
  }
  return args;
}
