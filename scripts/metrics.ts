// `pnpm metrics --scenario <id>`: one pass of a scenario through the home pool, printed as Prometheus text
// (harness/cli/metrics-command.ts). Flags: pnpm metrics --help.
import { runCli } from '../harness/cli/run-cli.js';
import { main, parseMetricsArgs } from '../harness/cli/metrics-command.js';

await runCli(() => main(parseMetricsArgs(process.argv.slice(2))));
