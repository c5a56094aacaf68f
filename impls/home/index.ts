// The home-grown pool's public API: two engines, one vocabulary.
export { AsyncPool } from './async-pool.js';
export type { AsyncPoolOptions, TaskCallback, TaskContext, TaskFn, TaskOptions } from './async-pool.js';
export { ThreadPool } from './thread-pool.js';
export type { ThreadPoolOptions, ThreadTaskCallback, ThreadTaskOptions } from './thread-pool.js';
export type { RetryOptions } from './retry.js';
export type { LatencySummary, PoolMetrics } from './metrics.js';
export {
  AbortError,
  PoolClosedError,
  PoolDestroyedError,
  PoolError,
  QueueFullError,
  TimeoutError,
  WorkerCrashError,
} from './errors.js';
