// Option checking shared by both engines.
import { optionErrors } from './errors.js';

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

export function checkOptionalFunction<T>(option: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw optionErrors.fn(option, value);
  return value;
}
