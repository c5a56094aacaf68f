// Shared entry wrapper of the CLIs: input errors become one line on stderr and exit code 2; anything else is a bug
// and keeps its stack trace.
import { InputError } from '../../core/errors.js';

export async function runCli(main: () => void | Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(2);
  }
}
