// The explicit list of implementations, as data. Adding one = one adapter file (exporting setup) + one entry here.
// Nothing here loads a library: each entry's load() imports its adapter module when a run needs it, so a measured
// child carries only its own library, and planning (--list, canRun, scaleDown, the gate) loads none.
import { capabilityRows, FIXED_THREADS, MAIN_THREAD, WORKER_POOL, type CapabilityRow } from './capabilities.js';
import { bullmqRequirement, bullmqScaleDown } from './support/bullmq-plan.js';
import type { AdapterInfo, AdapterModule, RegistryEntry } from './types.js';

/** An entry as written below: the name is its key, `module` imports the adapter file. */
type EntryData = Omit<AdapterInfo, 'name'> & { module: () => Promise<AdapterModule> };

const entries = {
  'home-async': {
    kind: 'in-thread', summary: "the home pool's async engine: priority queue of ring chunks, reusable slots; pool.run(fn, id, callback)",
    capabilities: { ...MAIN_THREAD, retry: true }, module: () => import('./home-async.js'),
  },
  'home-threads': {
    kind: 'worker-threads', summary: "the home pool's thread engine: batched postMessage both ways; threads × concurrentTasksPerWorker",
    capabilities: { ...WORKER_POOL, retry: true }, module: () => import('./home-threads.js'),
  },
  'p-limit': {
    packageName: 'p-limit', kind: 'in-thread', summary: 'promise concurrency limiter: limit(fn) per task, unbounded FIFO queue',
    capabilities: MAIN_THREAD, module: () => import('./p-limit.js'),
  },
  'p-queue': {
    packageName: 'p-queue', kind: 'in-thread', summary: 'promise queue with concurrency, priority, timeouts and events; queue.add(fn) per task',
    capabilities: MAIN_THREAD, module: () => import('./p-queue.js'),
  },
  fastq: {
    packageName: 'fastq', kind: 'in-thread', summary: 'callback queue with object reuse; its primary callback API, q.push(id, done)',
    capabilities: MAIN_THREAD, module: () => import('./fastq.js'),
  },
  piscina: {
    packageName: 'piscina', kind: 'worker-threads', summary: 'worker-thread pool; threads × concurrentTasksPerWorker',
    capabilities: WORKER_POOL, module: () => import('./piscina.js'),
  },
  tinypool: {
    packageName: 'tinypool', kind: 'worker-threads', summary: 'worker-thread pool forked from piscina; threads × concurrentTasksPerWorker',
    capabilities: WORKER_POOL, module: () => import('./tinypool.js'),
  },
  workerpool: {
    packageName: 'workerpool', kind: 'worker-threads', summary: 'worker-thread pool running one task per worker at a time; pool.exec(method, args)',
    capabilities: {
      ...WORKER_POOL, concurrency: 'one task per thread',
      dynamicThreads: 'never retires an idle worker (only crashed ones are removed), so it cannot shrink to dynamicThreads.min',
    },
    module: () => import('./workerpool.js'),
  },
  poolifier: {
    packageName: 'poolifier', kind: 'worker-threads', summary: 'fixed worker-thread pool with per-worker task queues; threads × tasksQueueOptions.concurrency',
    capabilities: WORKER_POOL, module: () => import('./poolifier.js'),
  },
  unbounded: {
    kind: 'reference', summary: 'no pool: every submitted task starts at once, ignoring concurrency',
    capabilities: { ...MAIN_THREAD, concurrency: 'unbounded' }, module: () => import('./reference/unbounded.js'),
  },
  semaphore: {
    kind: 'reference', summary: 'a ~20-line counter plus FIFO limiter: the floor for in-thread pools',
    capabilities: MAIN_THREAD, module: () => import('./reference/semaphore.js'),
  },
  lanes: {
    kind: 'reference', summary: 'no pool: C async loops each taking the next id; the floor for in-thread pools at concurrency C',
    capabilities: MAIN_THREAD, module: () => import('./reference/lanes.js'),
  },
  'raw-workers': {
    kind: 'reference', summary: 'hand-written worker_threads + postMessage, round-robin, several tasks per worker',
    capabilities: { ...WORKER_POOL, dynamicThreads: FIXED_THREADS }, module: () => import('./reference/raw-workers.js'),
  },
  bullmq: {
    packageName: 'bullmq', kind: 'distributed',
    summary: 'BullMQ on a real Redis server: worker processes × per-process concurrency, addBulk in, QueueEvents out',
    capabilities: {
      runsOn: 'processes', concurrency: 'workers × tasks per worker', dynamicThreads: FIXED_THREADS,
      // Redis jobs carry a plain number to other processes: no buffer, and no reach into the harness's shared memory.
      taskMessages: 'a job carries only its task id', sharedMemory: 'a job carries only its task id',
      retry: 'not applied: BullMQ retries (attempts) are left off, so a failed job stays failed',
    },
    requires: bullmqRequirement, scaleDown: bullmqScaleDown, module: () => import('./bullmq.js'),
  },
} satisfies Record<string, EntryData>;

export type ImplementationName = keyof typeof entries;

function entry(name: string, { module, ...info }: EntryData): RegistryEntry {
  return {
    name,
    ...info,
    async load() {
      const { setup } = await module();
      return { name, ...info, setup };
    },
  };
}

export const registry = Object.fromEntries(
  Object.entries(entries).map(([name, data]) => [name, entry(name, data)]),
) as Record<ImplementationName, RegistryEntry>;

export const implementationNames = Object.keys(entries) as ImplementationName[];

/**
 * What `pnpm bench` runs when no --impl is given: every in-process implementation. Distributed ones (bullmq)
 * need a queue server and take minutes per run, so they run when named: --impl bullmq.
 */
export const defaultImplementationNames = implementationNames.filter((name) => registry[name].kind !== 'distributed');

export function isImplementationName(name: string): name is ImplementationName {
  return Object.hasOwn(entries, name);
}

/** The capability table, one row per implementation in registry order: plain data for the docs generator. */
export const capabilityTable: CapabilityRow[] = capabilityRows(implementationNames.map((name) => registry[name]));
