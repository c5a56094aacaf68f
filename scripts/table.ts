// `pnpm table <results.json>... [--format F]`: re-renders saved results files, reading nothing but the files.
import { runCli } from '../harness/cli/run-cli.js';
import { runRenderCommand } from '../harness/output/render-command.js';

await runCli(() => {
  process.stdout.write(`${runRenderCommand(process.argv.slice(2), { synopsis: 'pnpm table <results file>...', defaultFormat: 'table' })}\n`);
});
