// Flag parsing shared by every command: node's parseArgs, with its errors turned into one line that names the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errors } from '../../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `--runs -1` would make parseArgs take -1 for an unknown short flag and print a three-line hint; a negative
 * number after a flag that takes a value is that flag's value, so it reaches the flag's own range check instead.
 */
function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const takesValue = new Set<string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if (option.short) takesValue.add(`-${option.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function parseFlags<T extends Options>(argv: readonly string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals });
  } catch (error) {
    // Only the first line: the rest is node's generic advice about dashes.
    throw errors.badArguments((error as Error).message.split('\n')[0]!.replace(/\.$/, ''));
  }
}
