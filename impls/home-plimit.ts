// The home pool's p-limit drop-in (@poolbench/home/p-limit), driven exactly as the p-limit row drives p-limit:
// the same session code, given the drop-in's pLimit instead of p-limit's.
import pLimit from '@poolbench/home/p-limit';
import { limitSession } from './support/limit-session.js';
import type { AdapterSession, RunPlan } from './types.js';

export async function setup(plan: RunPlan): Promise<AdapterSession> {
  return limitSession(plan, pLimit);
}
