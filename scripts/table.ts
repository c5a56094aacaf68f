// `pnpm table <results.json>... [--format table|md]`: re-renders saved results files, reading nothing but the files.
import { parseArgs } from 'node:util';
import { runCli } from '../harness/cli/run-cli.js';
import { errors } from '../core/errors.js';
import { render } from '../harness/output/format.js';
import { readResultsFile } from '../harness/results/store.js';

const USAGE = 'Usage: pnpm table <results file>... [--format table|md|json]';

function main(argv: string[]): void {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw errors.badArguments((error as Error).message);
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const format = parsed.values.format ?? 'table';
  if (format !== 'table' && format !== 'md' && format !== 'json') throw errors.invalidFlag('format', format, 'table | md | json');
  if (parsed.positionals.length === 0) throw errors.badArguments('give at least one results file');
  const out = parsed.positionals.map((file) => render(readResultsFile(file), format));
  process.stdout.write(`${out.join('\n\n')}\n`);
}

await runCli(() => main(process.argv.slice(2)));
