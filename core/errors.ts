// Every user-facing error is built here, so each names the thing, the value given and what is allowed.

/** An error caused by the user's input (flags, scenario files, results files). The CLI prints its message alone. */
export class InputError extends Error {
  override name = 'InputError';
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return `an ${typeof value}`;
}

export const errors = {
  unknownScenario: (id: string, known: readonly string[]) =>
    new InputError(`unknown scenario ${JSON.stringify(id)}; allowed: ${known.join(', ')}`),
  unknownImplementation: (name: string, known: readonly string[]) =>
    new InputError(`unknown implementation ${JSON.stringify(name)}; allowed: ${known.join(', ')}`),
  invalidFlag: (flag: string, value: unknown, allowed: string) =>
    new InputError(`--${flag} is ${describeValue(value)}; allowed: ${allowed}`),
  missingFlag: (flag: string, allowed: string) => new InputError(`--${flag} is missing; allowed: ${allowed}`),
  badArguments: (detail: string) => new InputError(`bad arguments: ${detail}; run with --help for usage`),
  unreadableFile: (file: string, detail: string) => new InputError(`${file}: cannot be read (${detail})`),
  malformedJson: (file: string, detail: string) => new InputError(`${file}: malformed JSON (${detail})`),
  invalidField: (file: string, path: string, value: unknown, allowed: string) =>
    new InputError(`${file}: ${path} is ${describeValue(value)}; allowed: ${allowed}`),
  unknownField: (file: string, path: string, allowedFields: readonly string[]) =>
    new InputError(`${file}: ${path} is not a known field; allowed fields: ${allowedFields.join(', ')}`),
  unsupportedSchema: (file: string, version: unknown, supported: number) =>
    new InputError(`${file}: schemaVersion is ${describeValue(version)}; allowed: ${supported}`),
  noValidResults: (inputs: readonly string[], skipped: number) =>
    new InputError(
      `no valid results file in ${inputs.join(', ')}${skipped ? ` (${skipped} skipped, see the warnings above)` : ''}; ` +
        'allowed: results files written by pnpm bench, or folders holding them; no report written',
    ),
  missingDependency: (packageName: string) =>
    new InputError(`${packageName} is not installed; run "pnpm install --frozen-lockfile" first`),
  incomparable: (what: string, detail: string) =>
    new InputError(`the baseline and candidate differ in ${what}: ${detail}; allowed: results from the same ${what} (or --force to compare anyway)`),
  missingBaseline: (path: string, scenario: string) =>
    new InputError(
      `--baseline ${JSON.stringify(path)} holds no results file for scenario ${JSON.stringify(scenario)}; allowed: a results file, or a folder holding one (make one with pnpm bench --scenario ${scenario} --results-dir results/baselines)`,
    ),
} as const;
