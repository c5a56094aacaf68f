// The explicit list of implementations. Adding one = one adapter file + one line here.
import { bullmqAdapter } from './bullmq.js';
import { fastqAdapter } from './fastq.js';
import { homeAsyncAdapter } from './home-async.js';
import { homeThreadsAdapter } from './home-threads.js';
import { pLimitAdapter } from './p-limit.js';
import { pQueueAdapter } from './p-queue.js';
import { piscinaAdapter } from './piscina.js';
import { poolifierAdapter } from './poolifier.js';
import { rawWorkersReference } from './reference/raw-workers.js';
import { semaphoreReference } from './reference/semaphore.js';
import { unboundedReference } from './reference/unbounded.js';
import { tinypoolAdapter } from './tinypool.js';
import type { PoolAdapter } from './types.js';
import { workerpoolAdapter } from './workerpool.js';

export const registry = {
  'home-async': homeAsyncAdapter,
  'home-threads': homeThreadsAdapter,
  'p-limit': pLimitAdapter,
  'p-queue': pQueueAdapter,
  fastq: fastqAdapter,
  piscina: piscinaAdapter,
  tinypool: tinypoolAdapter,
  workerpool: workerpoolAdapter,
  poolifier: poolifierAdapter,
  unbounded: unboundedReference,
  semaphore: semaphoreReference,
  'raw-workers': rawWorkersReference,
  bullmq: bullmqAdapter,
} satisfies Record<string, PoolAdapter>;

export type ImplementationName = keyof typeof registry;

export const implementationNames = Object.keys(registry) as ImplementationName[];

/**
 * What `pnpm bench` runs when no --impl is given: every in-process implementation. Distributed ones (bullmq)
 * need a queue server and take minutes per run, so they run when named: --impl bullmq.
 */
export const defaultImplementationNames = implementationNames.filter((name) => registry[name].kind !== 'distributed');

export function isImplementationName(name: string): name is ImplementationName {
  return Object.hasOwn(registry, name);
}
