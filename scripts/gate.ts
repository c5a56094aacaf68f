// `pnpm gate`: the regression gate (harness/cli/gate-command.ts). Exit 0 nothing regressed, 1 regressed, 2 bad
// input or incomparable sides, 3 the gate failed to run. Flags: pnpm gate --help.
import { runCli } from '../harness/cli/run-cli.js';
import { main } from '../harness/cli/gate-command.js';

await runCli(() => main(process.argv.slice(2)), { failureExitCode: 3 });
