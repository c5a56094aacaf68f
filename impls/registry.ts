// The explicit list of implementations, as data. Adding one = one adapter file (exporting setup) + one entry here.
// Nothing here loads a library: each entry's load() imports its adapter module when a run needs it, so a measured
// child carries only its own library, and planning (--list, canRun, scaleDown, the gate) loads none.
import { capabilityRows, FIXED_THREADS, MAIN_THREAD, NO_RETRY, WORKER_POOL, type CapabilityRow } from './capabilities.js';
import { goRequirement } from './reference/go-goroutines.js';
import { bullmqRequirement, bullmqScaleDown } from './support/bullmq-plan.js';
import type { AdapterInfo, AdapterModule, RegistryEntry, Variant } from './types.js';

/**
 * An entry as written below: the name is its key, `module` imports the adapter file, `variants` are named settings
 * run as rows of their own (`piscina[atomics=disabled]`), opt-in by name or with `piscina[*]`.
 */
type EntryData = Omit<AdapterInfo, 'name' | 'variant' | 'source'> & { module: () => Promise<AdapterModule>; variants?: readonly Variant[] };

const entries = {
  'home-async': {
    kind: 'in-thread', summary: "the home pool's async engine: priority queue of ring chunks, reusable slots; pool.run(fn, id, callback)",
    capabilities: { ...MAIN_THREAD, retry: true }, module: () => import('./home-async.js'),
    variants: [
      { name: 'api=submit', options: { api: 'submit' }, summary: 'await pool.submit(fn, id): a promise per task, the API most users call' },
    ],
  },
  'home-plimit': {
    kind: 'in-thread', summary: "the home pool's p-limit drop-in (@poolbench/home/p-limit) on its async engine: limit(fn, id) per task, as the p-limit row",
    capabilities: MAIN_THREAD, module: () => import('./home-plimit.js'),
    onlyWhenNamed: 'a second front end on home-async, raced against p-limit when asked: --impl home-plimit --impl p-limit',
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
    variants: [
      { name: 'api=promise', options: { api: 'promise' }, summary: 'fastq.promise(worker, concurrency) and await q.push(id): the API most users call' },
    ],
  },
  piscina: {
    packageName: 'piscina', kind: 'worker-threads', summary: 'worker-thread pool; threads × concurrentTasksPerWorker',
    capabilities: WORKER_POOL, module: () => import('./piscina.js'),
    variants: [
      { name: 'atomics=disabled', options: { atomics: 'disabled' }, summary: 'no Atomics.wait in idle workers: the setting users switch off to cut event-loop lag' },
    ],
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
    variants: [
      {
        name: 'workerChoiceStrategy=ROUND_ROBIN', options: { workerChoiceStrategy: 'ROUND_ROBIN' },
        summary: 'workers chosen in turn instead of the default LEAST_USED',
      },
    ],
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
  'go-goroutines': {
    kind: 'reference', summary: "Go's own idiom in its own process: a goroutine per task, a buffered channel of capacity C as the semaphore",
    capabilities: {
      runsOn: 'processes', concurrency: 'limit', dynamicThreads: "Go's scheduler keeps GOMAXPROCS threads: there is no pool to shrink",
      taskMessages: 'the Go program makes its tasks from ids alone', sharedMemory: "the Go program runs in its own process, out of reach of the harness's shared memory",
      retry: NO_RETRY,
    },
    requires: goRequirement, module: () => import('./reference/go-goroutines.js'),
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

function entry(name: string, { module, variants, ...info }: EntryData): RegistryEntry {
  return {
    name,
    ...info,
    ...(variants ? { variants } : {}),
    async load() {
      const { setup } = await module();
      return { name, ...info, setup };
    },
  };
}

/** Whether each of the variant's options shows, as given, in what the session says it applied. */
export function unappliedVariantOptions(variant: Variant, applied: Record<string, unknown>): string[] {
  return Object.entries(variant.options).flatMap(([key, wanted]) =>
    JSON.stringify(applied[key]) === JSON.stringify(wanted) ? [] : [`${key} applied as ${JSON.stringify(applied[key])}, the variant sets ${JSON.stringify(wanted)}`],
  );
}

/** A variant's row: the base entry's description under `base[variant]`; its setup gets the variant and must apply it. */
function variantEntry(base: string, data: EntryData, variant: Variant): RegistryEntry {
  const { module, variants: _variants, ...info } = data;
  const name = `${base}[${variant.name}]`;
  return {
    name,
    ...info,
    summary: `${data.summary}; with ${variant.name}: ${variant.summary}`,
    variant,
    async load() {
      const { setup } = await module();
      return {
        name,
        ...info,
        variant,
        async setup(plan) {
          const session = await setup(plan, variant);
          const missing = unappliedVariantOptions(variant, session.applied.options);
          if (missing.length > 0) {
            await session.teardown();
            throw new Error(`${name}: the variant was not applied: ${missing.join('; ')}`);
          }
          return session;
        },
      };
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
export const defaultImplementationNames = implementationNames.filter(
  (name) => registry[name].kind !== 'distributed' && registry[name].onlyWhenNamed === undefined,
);

export function isImplementationName(name: string): name is ImplementationName {
  return Object.hasOwn(entries, name);
}

/** Every variant row, by its full name (`piscina[atomics=disabled]`), in registry order. */
export const variantRegistry: Record<string, RegistryEntry> = Object.fromEntries(
  Object.entries(entries as Record<string, EntryData>).flatMap(([base, data]) =>
    (data.variants ?? []).map((variant) => [`${base}[${variant.name}]`, variantEntry(base, data, variant)] as const),
  ),
);

export const variantNames = Object.keys(variantRegistry);

/** An implementation or variant row by its full name; undefined for an unknown name. */
export function findImplementation(name: string): RegistryEntry | undefined {
  return isImplementationName(name) ? registry[name] : variantRegistry[name];
}

/**
 * The rows one --impl selects: a name (`piscina`), a variant (`piscina[atomics=disabled]`), or `piscina[*]` for
 * every variant of piscina besides its default row. Empty when nothing matches.
 */
export function selectImplementations(selector: string): RegistryEntry[] {
  const all = /^(.+)\[\*\]$/.exec(selector);
  if (!all) {
    const found = findImplementation(selector);
    return found ? [found] : [];
  }
  const base = all[1]!;
  if (!isImplementationName(base)) return [];
  return [registry[base], ...(registry[base].variants ?? []).map((variant) => variantRegistry[`${base}[${variant.name}]`]!)];
}

/** The capability table, one row per implementation in registry order: plain data for the docs generator. */
export const capabilityTable: CapabilityRow[] = capabilityRows(implementationNames.map((name) => registry[name]));
