// Command-line flags of `pnpm bench`, parsed with node:util and checked against what is allowed.
import { parseArgs } from 'node:util';
import { errors } from '../../core/errors.js';
import { FORMATS, type Format } from '../output/format.js';

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
}

export const USAGE = `Usage: pnpm bench --scenario <id> [--impl <name>]... [--runs N] [--format table|md|json] [--results-dir DIR] [--no-latency]
       pnpm bench --list

  --scenario, -s   scenario id (a file in scenarios/) or a path to a scenario .json file
  --impl, -i       implementation to run; repeat for several (default: all in the registry)
  --runs, -r       measured runs per implementation, each in a fresh process (default: the scenario's runs)
  --format, -f     table (default), md (Markdown) or json (the results file)
  --results-dir    folder for results files (default: results/)
  --no-latency     do not record per-task latency (only to measure what recording costs)
  --list, -l       list scenarios and implementations, and which implementation can run which scenario`;

export function parseBenchArgs(argv: string[]): BenchArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string', short: 's' },
        impl: { type: 'string', short: 'i', multiple: true },
        runs: { type: 'string', short: 'r' },
        format: { type: 'string', short: 'f' },
        'results-dir': { type: 'string' },
        list: { type: 'boolean', short: 'l' },
        'no-latency': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw errors.badArguments((error as Error).message);
  }
  const v = parsed.values;
  const args: BenchArgs = { help: v.help ?? false, list: v.list ?? false, impls: v.impl ?? [], format: 'table', latency: !(v['no-latency'] ?? false) };
  if (v.scenario !== undefined) args.scenario = v.scenario;
  if (v['results-dir'] !== undefined) args.resultsDir = v['results-dir'];
  if (v.runs !== undefined) {
    const runs = Number(v.runs);
    if (!/^\d+$/.test(v.runs) || !Number.isSafeInteger(runs) || runs < 1) {
      throw errors.invalidFlag('runs', v.runs, 'an integer ≥ 1');
    }
    args.runs = runs;
  }
  if (v.format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(v.format)) throw errors.invalidFlag('format', v.format, FORMATS.join(' | '));
    args.format = v.format as Format;
  }
  if (!args.help && !args.list && args.scenario === undefined) {
    throw errors.missingFlag('scenario', 'a scenario id, or --list to see them');
  }
  return args;
}
