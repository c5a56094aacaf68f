// Shared entry wrapper of the CLIs: input errors become one line on stderr and exit code 2; anything else is a bug,
// keeps its stack trace and exits with `failureExitCode` (the gate uses 3, so a crash never reads as "regressed").
import { InputError } from '../../core/errors.js';

export interface CliOptions {
  /** Exit code for an unexpected failure. Default 1. */
  failureExitCode?: number;
}

export async function runCli(main: () => void | Promise<void>, options: CliOptions = {}): Promise<void> {
  // A reader that stops early (`| head -1`) closes the pipe: that ends the output, it is not an error.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  try {
    await main();
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(options.failureExitCode ?? 1);
  }
}
