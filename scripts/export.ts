// `pnpm export --format F <results.json>...`: results files for another tool, e.g. github-action-benchmark or Bencher.
import { runCli } from '../harness/cli/run-cli.js';
import { runRenderCommand } from '../harness/output/render-command.js';

await runCli(() => {
  process.stdout.write(`${runRenderCommand(process.argv.slice(2), { synopsis: 'pnpm export <results file>...' })}\n`);
});
