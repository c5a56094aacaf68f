// Option checking shared by both engines.
import { MAX_TIMER_MS, optionErrors } from './errors.js';

export function checkInteger(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw optionErrors.integer(option, value, min);
  return value;
}

export function checkIntegerOrInfinity(option: string, value: unknown, min: number): number {
  if (value === Infinity) return Infinity;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw optionErrors.integerOrInfinity(option, value, min);
  }
  return value;
}

export function checkNonNegative(option: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw optionErrors.nonNegative(option, value);
  return value;
}

/**
 * A delay that ends up in setTimeout. Node fires a delay above 2³¹ − 1 ms after 1 ms, so such a value is refused
 * rather than silently shortened. `infinity` says what Infinity means for this option (null: not allowed).
 */
export function checkTimerMs(option: string, value: unknown, infinity: string | null): number {
  if (value === Infinity && infinity !== null) return Infinity;
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TIMER_MS)) throw optionErrors.timerMs(option, value, infinity);
  return value;
}

/** Any number but NaN (±Infinity included): a NaN would compare false with everything. */
export function checkNumber(option: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw optionErrors.number(option, value);
  return value;
}

export function checkOptionalFunction<T>(option: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw optionErrors.fn(option, value);
  return value;
}

/** The option names one options object may carry, and who takes them (for the error message). */
export interface OptionNames {
  readonly owner: string;
  readonly names: ReadonlySet<string>;
  readonly list: readonly string[];
}

export function optionNames(owner: string, list: readonly string[]): OptionNames {
  return { owner, names: new Set(list), list };
}

/**
 * Refuses an options object that is not an object, or that carries a name not in `known`: a misspelt option (piscina's
 * `idleTimeout` for `idleTimeoutMs`) would otherwise be ignored without a word. `path` prefixes nested options
 * (`'retry.'`); empty for a top-level options object.
 */
export function checkKnownOptions(options: unknown, known: OptionNames, path = ''): void {
  if (typeof options !== 'object' || options === null) throw optionErrors.notObject(path, options, known.list);
  for (const key in options) {
    if (!known.names.has(key) && Object.hasOwn(options, key)) throw optionErrors.unknown(path, key, known.owner, known.list);
  }
}
