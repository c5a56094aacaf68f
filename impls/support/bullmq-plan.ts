// What the bullmq row needs planned before it loads anything: the Redis it requires and the smaller run it asks for
// when Redis's per-job cost would not fit the time limit. Kept apart from the adapter so the registry can plan a
// bullmq run without importing the adapter's module.
import { workloadKind } from '../../scenarios/workloads/index.js';
import { runShape } from '../mapping.js';
import type { RunPlan, ScaleDown, Skip, Requirement } from '../types.js';
import { redisAvailability, REDIS_URL_ENV } from './redis.js';

/** '0' leaves worker processes to be started by hand (on other machines) against POOLBENCH_REDIS_URL. */
export const LOCAL_WORKERS_ENV = 'POOLBENCH_BULLMQ_LOCAL_WORKERS';

/**
 * Jobs per second this adapter sustains end to end (addBulk → Worker → QueueEvents → done), rounded down from the
 * slowest pass seen. Measured on the development machine (AMD EPYC, 2 cores shared by the producer, redis-server 7.0
 * and both worker processes; Node 20) by driving this adapter with the harness producer, 20,000 tasks per pass,
 * 3 passes after a 2,000-task warm-up: million's shape (sleep 10 ms, 2 processes × 5,000, window 20,000) ran
 * 2,385–4,760 jobs/s, no-ops at 2 × 128 (window 1,024) 2,803–5,262 jobs/s. Redis and the worker processes share
 * the two cores with the producer, so the per-job cost is CPU, not the sleep.
 */
export const CONSERVATIVE_JOBS_PER_SECOND = 2000;
/** A scaled run's measured part may use this share of timeLimitSeconds; setup, warm-up and teardown need the rest. */
const TIME_LIMIT_SHARE = 0.5;

export function localWorkers(env: NodeJS.ProcessEnv): boolean {
  return env[LOCAL_WORKERS_ENV] !== '0';
}

/** A Redis to reach, and a URL when workers are started by hand. `lookup` finds redis-server (tests pass their own). */
export function bullmqEnvironment(env: NodeJS.ProcessEnv = process.env, lookup?: (path: string) => string | undefined): true | Skip {
  const redis = redisAvailability(env, lookup);
  if (redis !== true) return redis;
  if (!localWorkers(env) && !env[REDIS_URL_ENV]) {
    return { reason: `${LOCAL_WORKERS_ENV}=0 needs ${REDIS_URL_ENV}: workers started by hand must reach the same Redis` };
  }
  return true;
}

export const bullmqRequirement: Requirement = {
  what: `a Redis server: redis-server on PATH (started per run), or ${REDIS_URL_ENV}`,
  check: (env) => bullmqEnvironment(env),
};

/** Rounds down to one or two significant digits, so a scaled count reads plainly (48,213 → 48,000). */
function roundDown(n: number): number {
  if (n < 100) return Math.max(1, Math.floor(n));
  const unit = 10 ** (Math.floor(Math.log10(n)) - 1);
  return Math.floor(n / unit) * unit;
}

/** Seconds a run needs: Redis's per-job cost plus the workload's own floor where it is known exactly (a sleep's waves). */
function secondsFor(plan: RunPlan, jobsPerSecond: number): number {
  const { workload, tasks } = plan.scenario;
  const floor = workloadKind(workload).exactIdeal?.(workload, runShape(plan));
  return tasks / jobsPerSecond + (floor ? floor.ms / 1000 : 0);
}

export function bullmqScaleDown(plan: RunPlan, jobsPerSecond = CONSERVATIVE_JOBS_PER_SECOND): ScaleDown | undefined {
  const { tasks, timeLimitSeconds } = plan.scenario;
  const budget = timeLimitSeconds * TIME_LIMIT_SHARE;
  const needed = secondsFor(plan, jobsPerSecond);
  if (needed <= budget) return undefined;
  // secondsFor is (nearly) linear in tasks: scale by the ratio, then round down.
  const scaled = roundDown(Math.min(tasks, (tasks * budget) / needed));
  if (scaled >= tasks) return undefined;
  const fmt = (n: number): string => n.toLocaleString('en-US');
  return {
    tasks: scaled,
    reason:
      `scaled from ${fmt(tasks)} to ${fmt(scaled)} tasks: ~${fmt(jobsPerSecond)} jobs/s through Redis would need ` +
      `${fmt(Math.round(needed))} s, over half of the ${timeLimitSeconds} s limit (the rest is for setup, warm-up and teardown)`,
  };
}
