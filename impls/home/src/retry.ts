// Retry policy: how many times, how long to wait between tries, and which errors deserve another try.
import { MAX_TIMER_MS, TimeoutError, optionErrors } from './errors.js';
import { checkInteger, checkKnownOptions, checkTimerMs, optionNames } from './options.js';

export interface RetryOptions {
  /** Extra tries after the first. */
  retries: number;
  /** Wait before the first retry, in ms (at most 2³¹ − 1). Default 0. */
  delayMs?: number;
  /** Each further retry waits `factor` times longer. Default 2. */
  factor?: number;
  /** Upper bound on one wait, in ms (at most 2³¹ − 1, or Infinity). Default Infinity. */
  maxDelayMs?: number;
  /** Decides whether an error is worth retrying. Default: every error except timeouts. */
  retryOn?: (error: unknown, attempt: number) => boolean;
  /** Whether a TimeoutError may be retried (still subject to retryOn). Default false. */
  retryTimeouts?: boolean;
}

export interface RetryPolicy {
  retries: number;
  delayMs: number;
  factor: number;
  maxDelayMs: number;
  retryOn: ((error: unknown, attempt: number) => boolean) | null;
  retryTimeouts: boolean;
}

const RETRY_OPTIONS = optionNames('retry', ['retries', 'delayMs', 'factor', 'maxDelayMs', 'retryOn', 'retryTimeouts']);

/** Accepts a count (`retry: 3`) or a full policy; undefined means no retry. */
export function normalizeRetry(option: string, value: RetryOptions | number | undefined): RetryPolicy | null {
  if (value === undefined) return null;
  if (typeof value === 'number') value = { retries: value };
  if (typeof value !== 'object' || value === null) {
    throw optionErrors.oneOf(option, value, 'a retry count or { retries, delayMs?, factor?, maxDelayMs?, retryOn?, retryTimeouts? }');
  }
  checkKnownOptions(value, RETRY_OPTIONS, `${option}.`);
  const retryOn = value.retryOn ?? null;
  if (retryOn !== null && typeof retryOn !== 'function') throw optionErrors.fn(`${option}.retryOn`, retryOn);
  const factor = value.factor ?? 2;
  if (typeof factor !== 'number' || !(factor >= 1)) throw optionErrors.range(`${option}.factor`, factor, 'must be a number ≥ 1');
  const retryTimeouts = value.retryTimeouts ?? false;
  if (typeof retryTimeouts !== 'boolean') throw optionErrors.oneOf(`${option}.retryTimeouts`, retryTimeouts, 'true or false');
  return {
    retries: checkInteger(`${option}.retries`, value.retries, 0),
    delayMs: checkTimerMs(`${option}.delayMs`, value.delayMs ?? 0, null),
    factor,
    maxDelayMs: checkTimerMs(`${option}.maxDelayMs`, value.maxDelayMs ?? Infinity, 'no cap'),
    retryOn,
    retryTimeouts,
  };
}

/** `attempt` is the try that just failed (1 = the first). A retryOn that throws is the caller's to handle. */
export function shouldRetry(policy: RetryPolicy, error: unknown, attempt: number, timedOut: boolean): boolean {
  if (attempt > policy.retries) return false;
  if ((timedOut || error instanceof TimeoutError) && !policy.retryTimeouts) return false;
  return policy.retryOn ? Boolean(policy.retryOn(error, attempt)) : true;
}

/**
 * Exponential backoff: delayMs × factor^(retry - 1), capped at maxDelayMs and at the largest delay a timer takes
 * (2³¹ − 1 ms: a longer one would fire at once). `retry` counts from 1.
 */
export function retryDelay(policy: RetryPolicy, retry: number, _error: unknown): number {
  if (policy.delayMs === 0) return 0; // 0 × Infinity would be NaN
  return Math.min(policy.maxDelayMs, MAX_TIMER_MS, policy.delayMs * policy.factor ** (retry - 1));
}
