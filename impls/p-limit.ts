// p-limit: a promise concurrency limiter, limit(fn) per task.
import pLimit from 'p-limit';
import { limitSession } from './support/limit-session.js';
import type { AdapterSession, RunPlan } from './types.js';

export async function setup(plan: RunPlan): Promise<AdapterSession> {
  return limitSession(plan, pLimit);
}
