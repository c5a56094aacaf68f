// `pnpm bench --scenario <id>`: the benchmark (harness/cli/bench-command.ts). Flags: pnpm bench --help.
import { runCli } from '../harness/cli/run-cli.js';
import { parseBenchArgs } from '../harness/cli/bench-args.js';
import { main } from '../harness/cli/bench-command.js';

await runCli(() => main(parseBenchArgs(process.argv.slice(2))));
