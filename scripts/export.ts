// `pnpm export --format github|bmf <results.json>`: a results file for github-action-benchmark or Bencher.
import { parseArgs } from 'node:util';
import { runCli } from '../harness/cli/run-cli.js';
import { errors } from '../core/errors.js';
import { toBencherMetricFormat, toGithubBenchmark } from '../harness/output/exporters.js';
import { readResultsFile } from '../harness/results/store.js';

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string', short: 'f' } } });
  } catch (error) {
    throw errors.badArguments((error as Error).message);
  }
  const format = parsed.values.format;
  if (format !== 'github' && format !== 'bmf') throw errors.invalidFlag('format', format, 'github | bmf');
  if (parsed.positionals.length !== 1) throw errors.badArguments('give exactly one results file');
  const results = readResultsFile(parsed.positionals[0]!);
  const out = format === 'github' ? toGithubBenchmark(results) : toBencherMetricFormat(results);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

await runCli(() => main(process.argv.slice(2)));
