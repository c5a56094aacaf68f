// What `pnpm table` and `pnpm export` share: read results files named on the command line, print them in one format.
import { errors } from '../../core/errors.js';
import { parseFlags } from '../cli/flags.js';
import { readResultsFile } from '../results/store.js';
import { FORMATS, formatHelp, parseFormat, render, type Format } from './format.js';

export interface RenderCommand {
  /** How the command is called, e.g. `pnpm table <results file>...`. */
  synopsis: string;
  /** Without one, --format is required. */
  defaultFormat?: Format;
}

/** The text to print: the rendered files, or the usage for --help. */
export function runRenderCommand(argv: readonly string[], command: RenderCommand): string {
  const parsed = parseFlags(argv, { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } }, true);
  if (parsed.values.help) {
    const when = command.defaultFormat ? `default: ${command.defaultFormat}` : 'required';
    return [
      `Usage: ${command.synopsis} [--format ${FORMATS.join('|')}]`,
      '',
      `  --format, -f   how to print the files (${when}); several files make one document in the JSON formats:`,
      formatHelp('                   '),
    ].join('\n');
  }
  const format = parseFormat(parsed.values.format ?? command.defaultFormat);
  if (parsed.positionals.length === 0) throw errors.badArguments('give at least one results file');
  return render(parsed.positionals.map(readResultsFile), format);
}
