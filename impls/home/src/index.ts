// The home-grown pool's public API: two engines, one vocabulary.
export { AsyncPool, AsyncTaskGroup } from './async-pool.js';
export type { AsyncPoolOptions, TaskCallback, TaskContext, TaskFn, TaskOptions } from './async-pool.js';
export { ThreadPool, ThreadTaskGroup } from './thread-pool.js';
export type { ThreadPoolOptions, ThreadTaskCallback, ThreadTaskOptions } from './thread-pool.js';
export { TaskGroup } from './group.js';
export type { GroupOptions } from './group.js';
export type { BreakerMetrics, BreakerOptions, BreakerState } from './breaker.js';
export type { RetryOptions } from './retry.js';
export type { LatencySummary, PoolMetrics } from './metrics.js';
export {
  AbortError,
  PoolClosedError,
  PoolDestroyedError,
  PoolError,
  PoolOverloadError,
  QueueFullError,
  TimeoutError,
  WorkerCrashError,
} from './errors.js';
export type { WorkerCrashInfo } from './errors.js';
