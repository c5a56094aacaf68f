// `pnpm keep-results --remote <url> --branch <name> --from <results folder> [--message M]`: appends a run's
// results files to a data branch, so the published report's history grows with every main-branch run.
import { runCli } from '../harness/cli/run-cli.js';
import { parseFlags } from '../harness/cli/flags.js';
import { errors } from '../core/errors.js';
import { keepResults } from '../harness/history/keep.js';

const USAGE = `Usage: pnpm keep-results --remote <git remote> --branch <data branch> --from <results folder> [--message M]`;

function main(argv: string[]): void {
  const { values } = parseFlags(argv, {
    remote: { type: 'string' },
    branch: { type: 'string' },
    from: { type: 'string' },
    message: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  for (const flag of ['remote', 'branch', 'from'] as const) {
    if (!values[flag]) throw errors.missingFlag(flag, USAGE);
  }
  const added = keepResults({ remote: values.remote!, branch: values.branch!, from: values.from!, message: values.message ?? 'results of one benchmark run' });
  process.stderr.write(added.length ? `kept ${added.length} results files on ${values.branch}:\n${added.join('\n')}\n` : 'nothing new to keep\n');
}

await runCli(() => main(process.argv.slice(2)));
