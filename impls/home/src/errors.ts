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

/** What is known about a worker thread's end. */
export interface WorkerCrashInfo {
  /** The thread's exit code; null when it never started or has not exited yet. */
  exitCode?: number | null;
  /** The thread's id (worker_threads threadId); null when it never started. */
  threadId?: number | null;
  /**
   * Why it ended, as a code: the worker error's own code when it has one (`ERR_WORKER_OUT_OF_MEMORY`,
   * `ERR_WORKER_INIT_FAILED`, …), otherwise one of `'uncaught'` (an uncaught exception), `'exit'` (the thread
   * exited, e.g. process.exit()), `'recycled'` (stuck past a timeout), `'startup'` (died before loading its task
   * module), `'spawn'` (could not be started at all).
   */
  reason?: string;
  /** The worker's error, when it raised one. */
  cause?: unknown;
}

/** The worker thread running this task exited or crashed. */
export class WorkerCrashError extends PoolError {
  override name = 'WorkerCrashError';
  readonly exitCode: number | null;
  readonly threadId: number | null;
  readonly reason: string;
  constructor(
    readonly detail: string,
    info: WorkerCrashInfo = {},
  ) {
    super(`worker crashed: ${detail}`, info.cause === undefined ? undefined : { cause: info.cause });
    this.exitCode = info.exitCode ?? null;
    this.threadId = info.threadId ?? null;
    this.reason = info.reason ?? 'exit';
  }
}

/**
 * Any value as text for an error message, without ever throwing: a hostile value (a revoked Proxy, an object whose
 * toString throws, an Error whose message getter throws) is described by its type instead.
 */
export function describe(value: unknown): string {
  try {
    if (typeof value === 'string') return JSON.stringify(value);
    if (value instanceof Error) {
      const name = typeof value.name === 'string' && value.name !== '' ? value.name : 'Error';
      const message: unknown = value.message;
      if (message === undefined || message === '') return name; // never "Error: undefined"
      return `${name}: ${typeof message === 'string' ? message : describe(message)}`;
    }
    if (typeof value === 'symbol') return value.toString();
    if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
    return String(value);
  } catch {
    try {
      return `[${Object.prototype.toString.call(value).slice(8, -1)} that cannot be shown]`;
    } catch {
      return '[a value that cannot be shown]';
    }
  }
}

const show = describe;

/** The largest delay Node's timers accept (2³¹ − 1 ms, about 24.8 days); a larger one fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const optionErrors = {
  integer: (option: string, value: unknown, min: number) =>
    new TypeError(`options.${option} must be an integer ≥ ${min}; got ${show(value)}`),
  integerOrInfinity: (option: string, value: unknown, min: number) =>
    new TypeError(`options.${option} must be an integer ≥ ${min} or Infinity; got ${show(value)}`),
  nonNegative: (option: string, value: unknown) =>
    new TypeError(`options.${option} must be a number ≥ 0; got ${show(value)}`),
  /** A delay handed to a timer: finite values above MAX_TIMER_MS would fire at once, so they are refused. */
  timerMs: (option: string, value: unknown, infinity: string | null) => {
    const allowed = `a number of ms from 0 to ${MAX_TIMER_MS} (the largest timer delay)${infinity ? ` or Infinity (${infinity})` : ''}`;
    const message = `options.${option} must be ${allowed}; got ${show(value)}`;
    return typeof value === 'number' && !Number.isNaN(value) ? new RangeError(message) : new TypeError(message);
  },
  number: (option: string, value: unknown) =>
    new TypeError(`options.${option} must be a number (not NaN); got ${show(value)}`),
  fn: (option: string, value: unknown) => new TypeError(`options.${option} must be a function; got ${show(value)}`),
  oneOf: (option: string, value: unknown, allowed: string) =>
    new TypeError(`options.${option} must be ${allowed}; got ${show(value)}`),
  range: (option: string, value: unknown, detail: string) => new RangeError(`options.${option} ${detail}; got ${show(value)}`),
  object: (option: string, value: unknown, fields: string) =>
    new TypeError(`options.${option} must be an object { ${fields} }; got ${show(value)}`),
  ratio: (option: string, value: unknown) => new TypeError(`options.${option} must be a number > 0 and ≤ 1; got ${show(value)}`),
  notObject: (path: string, value: unknown, fields: readonly string[]) =>
    new TypeError(`${path ? `options.${path.slice(0, -1)}` : 'options'} must be an object { ${fields.map((f) => `${f}?`).join(', ')} }; got ${show(value)}`),
  /** A misspelt option would otherwise be ignored without a word (piscina's `idleTimeout` for `idleTimeoutMs`). */
  unknown: (prefix: string, key: string, owner: string, allowed: readonly string[]) =>
    new TypeError(`options.${prefix}${key} is not a known ${owner} option; allowed: ${allowed.join(', ')}`),
  /** An option value a worker thread cannot receive. */
  notCloneable: (option: string, error: unknown) =>
    new TypeError(`options.${option} must be a value a worker thread can receive (structured-cloneable); cloning it failed: ${show(error)}`),
} as const;

/** Errors that settle one task because of what it was given or what it returned. */
export const taskErrors = {
  /** postMessage could not clone the task's argument (a function, a symbol, …): only that task fails. */
  argumentNotCloneable: (error: unknown) =>
    new TypeError(`the task's argument cannot be sent to a worker thread (structured clone failed): ${show(error)}`, { cause: error }),
  /** The worker could not clone the task's result back: only that task fails. */
  resultNotCloneable: (error: unknown) =>
    new TypeError(`the task's result cannot be sent back from its worker thread (structured clone failed): ${show(error)}`, { cause: error }),
  /** A retry.retryOn predicate threw: the task settles with this instead of retrying or reporting blindly. */
  retryOnThrew: (thrown: unknown, taskError: unknown) =>
    new PoolError(`options.retry.retryOn threw ${show(thrown)} while judging the task's error ${show(taskError)}`, { cause: thrown }),
} as const;

/**
 * An observer callback (onResult, onError, breaker.onStateChange) threw. That is the caller's bug, but it must neither
 * change a task's outcome nor crash the process: it becomes a process warning ('warning' event, printed by Node).
 */
export function warnCallbackThrew(option: string, thrown: unknown): void {
  const warning = new PoolError(`options.${option} threw ${describe(thrown)}; the pool carried on`, { cause: thrown });
  warning.name = 'PoolCallbackWarning';
  process.emitWarning(warning);
}
