// Every error the pool raises, from one table: named classes for outcomes a caller handles, TypeError/RangeError
// for bad options, each naming the option, the value and what is allowed.

export class PoolError extends Error {
  override name = 'PoolError';
}

/** The task ran past its timeout; its promise rejects with this. */
export class TimeoutError extends PoolError {
  override name = 'TimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`task timed out after ${timeoutMs} ms`);
  }
}

/** The task's AbortSignal fired (queued: removed; running: its signal aborted). */
export class AbortError extends PoolError {
  override name = 'AbortError';
  constructor(readonly reason?: unknown) {
    super('task was aborted', reason === undefined ? undefined : { cause: reason });
  }
}

/** A bounded queue was full and the caller asked not to wait. */
export class QueueFullError extends PoolError {
  override name = 'QueueFullError';
  constructor(readonly maxQueue: number) {
    super(`queue is full (maxQueue ${maxQueue})`);
  }
}

/**
 * More callers than maxBlockedSubmits were already waiting for queue room (held submissions plus waitForRoom()
 * callers): this one is refused at once instead of joining them, as ants' ErrPoolOverload.
 */
export class PoolOverloadError extends PoolError {
  override name = 'PoolOverloadError';
  constructor(readonly maxBlockedSubmits: number) {
    super(`too many callers waiting for queue room (maxBlockedSubmits ${maxBlockedSubmits})`);
  }
}

/** Submitted after close() or destroy(). */
export class PoolClosedError extends PoolError {
  override name = 'PoolClosedError';
  constructor() {
    super('pool is closed: no new tasks are accepted');
  }
}

/** destroy() rejected this task before it could finish. */
export class PoolDestroyedError extends PoolError {
  override name = 'PoolDestroyedError';
  constructor() {
    super('pool was destroyed before the task finished');
  }
}

/** The worker thread running this task exited or crashed. */
export class WorkerCrashError extends PoolError {
  override name = 'WorkerCrashError';
  constructor(readonly detail: string) {
    super(`worker crashed: ${detail}`);
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export const optionErrors = {
  integer: (option: string, value: unknown, min: number) =>
    new TypeError(`options.${option} must be an integer ≥ ${min}; got ${show(value)}`),
  integerOrInfinity: (option: string, value: unknown, min: number) =>
    new TypeError(`options.${option} must be an integer ≥ ${min} or Infinity; got ${show(value)}`),
  nonNegative: (option: string, value: unknown) =>
    new TypeError(`options.${option} must be a number ≥ 0; got ${show(value)}`),
  fn: (option: string, value: unknown) => new TypeError(`options.${option} must be a function; got ${show(value)}`),
  oneOf: (option: string, value: unknown, allowed: string) =>
    new TypeError(`options.${option} must be ${allowed}; got ${show(value)}`),
  range: (option: string, value: unknown, detail: string) => new RangeError(`options.${option} ${detail}; got ${show(value)}`),
  object: (option: string, value: unknown, fields: string) =>
    new TypeError(`options.${option} must be an object { ${fields} }; got ${show(value)}`),
  ratio: (option: string, value: unknown) => new TypeError(`options.${option} must be a number > 0 and ≤ 1; got ${show(value)}`),
} as const;
