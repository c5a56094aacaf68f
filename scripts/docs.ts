// `pnpm docs [--check]`: regenerates docs/results/*.md and the README's results blocks from the committed results
// files, and the capability table in docs/implementations.md from the registry. --check writes nothing and exits 1
// when any of them is stale, naming each one.
import { projectRoot } from '../core/paths.js';
import { parseFlags } from '../harness/cli/flags.js';
import { runCli } from '../harness/cli/run-cli.js';
import { planDocs, staleDocs, writeDocs } from '../harness/docs/generate.js';

const USAGE = `Usage: pnpm docs [--check]

  Writes docs/results/<scenario>.md for every scenario with results files under results/, and fills the README's
  <!-- results:<id> --> blocks, from the newest results file of each; fills the <!-- capabilities --> block of
  docs/implementations.md from the capabilities in impls/registry.ts.
  --check    write nothing; exit 1 if any generated file differs from what would be written`;

function main(argv: string[]): void {
  const parsed = parseFlags(argv, { check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (parsed.values.check) {
    const plan = planDocs(projectRoot);
    const stale = staleDocs(projectRoot, plan);
    for (const path of stale) {
      const why = plan.orphans.includes(path) ? 'would be removed (its scenario has no results file any more)' : 'is missing or differs from what pnpm docs would write';
      process.stderr.write(`stale: ${path} ${why}\n`);
    }
    if (stale.length) {
      process.stderr.write(`${stale.length} generated file(s) stale; run pnpm docs and commit the result\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write('docs are up to date\n');
    }
    return;
  }
  const { written, removed } = writeDocs(projectRoot);
  for (const path of written) process.stderr.write(`wrote ${path}\n`);
  for (const path of removed) process.stderr.write(`removed ${path} (its scenario has no results file any more)\n`);
  if (written.length + removed.length === 0) process.stderr.write('docs are up to date\n');
}

await runCli(() => main(process.argv.slice(2)));
