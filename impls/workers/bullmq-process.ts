// One BullMQ worker *process*: a BullMQ Worker with a concurrency, running the shared task for each job. Started two ways:
// - forked by the bullmq adapter (an IPC channel exists): it says 'ready', answers RSS requests, and stops on 'close' or
//   when the adapter's process goes away;
// - by hand on any machine, as a CLI (no IPC):
//     node dist/impls/workers/bullmq-process.js --redis redis://host:6379 --queue poolbench --concurrency 5000
//   it then announces itself (concurrency, RSS) in Redis so the adapter can find it, and stops on SIGINT/SIGTERM.
// Each job's name is its run's id; the run's workload is read once from Redis, so one long-lived worker serves any run.
import { realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
// bullmq and ioredis are loaded in main(): the adapter imports this file's shared names without needing them.
import type { Job } from 'bullmq';
import { prepareTask, type Task, type Workload } from '../../scenarios/workloads/task.js';

export interface WorkerArgs {
  redis: string;
  queue: string;
  concurrency: number;
}

/** Messages between the adapter and a forked worker process. */
export type ToWorker = { type: 'close' } | { type: 'rss'; request: number };
export type FromWorker = { type: 'ready'; pid: number } | { type: 'rss'; request: number; rss: number };

/** A run's workload, written by the adapter before its first job. */
export const workloadKey = (queue: string, run: string): string => `poolbench:${queue}:workload:${run}`;
/** Hash of hand-started workers on a queue: field host:pid, value JSON of RemoteWorker. */
export const workersKey = (queue: string): string => `poolbench:${queue}:workers`;
export interface RemoteWorker {
  host: string;
  pid: number;
  concurrency: number;
  rss: number;
  /** Epoch ms of its last announcement; one older than REMOTE_STALE_MS is gone. */
  seen: number;
}
export const REMOTE_ANNOUNCE_MS = 1000;
export const REMOTE_STALE_MS = 5000;
const SHUTDOWN_GRACE_MS = 5000;

const USAGE = 'usage: bullmq-process.js --redis <redis://host:port> --queue <name> --concurrency <N>';

export function parseWorkerArgs(argv: string[]): WorkerArgs {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (!['--redis', '--queue', '--concurrency'].includes(flag)) {
      throw new Error(`unknown argument ${JSON.stringify(flag)}; allowed: --redis, --queue, --concurrency. ${USAGE}`);
    }
    if (value === undefined) throw new Error(`${flag} needs a value. ${USAGE}`);
    values.set(flag, value);
  }
  const redis = values.get('--redis') ?? '';
  if (!/^rediss?:\/\//.test(redis)) throw new Error(`--redis is ${JSON.stringify(redis)}; expected a redis:// URL. ${USAGE}`);
  const queue = values.get('--queue') ?? '';
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(queue)) {
    throw new Error(`--queue is ${JSON.stringify(queue)}; expected 1–100 letters, digits, '_' or '-'. ${USAGE}`);
  }
  const concurrencyText = values.get('--concurrency') ?? '';
  const concurrency = Number(concurrencyText);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`--concurrency is ${JSON.stringify(concurrencyText)}; expected an integer ≥ 1. ${USAGE}`);
  }
  return { redis, queue, concurrency };
}

async function main(args: WorkerArgs): Promise<void> {
  const [{ Worker }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
  const forked = typeof process.send === 'function';
  // Workers block on Redis: BullMQ requires maxRetriesPerRequest null for their connections.
  const connection = { url: args.redis, maxRetriesPerRequest: null };
  const store = new Redis(args.redis, { maxRetriesPerRequest: null });
  const tasks = new Map<string, Promise<Task>>();
  const taskFor = (run: string): Promise<Task> => {
    let task = tasks.get(run);
    if (!task) {
      task = store.get(workloadKey(args.queue, run)).then((json) => {
        if (json === null) throw new Error(`no workload stored at ${workloadKey(args.queue, run)} for run ${run}`);
        return prepareTask({ workload: JSON.parse(json) as Workload });
      });
      tasks.set(run, task);
    }
    return task;
  };
  const worker = new Worker<number, number, string>(
    args.queue,
    async (job: Job<number, number, string>) => (await taskFor(job.name))(job.data),
    { connection, concurrency: args.concurrency },
  );
  // Connection errors are retried by BullMQ; printing them is all that is useful here.
  worker.on('error', (error) => console.error(`bullmq worker ${process.pid}: ${error.message}`));
  await worker.waitUntilReady();

  const me = `${hostname()}:${process.pid}`;
  let announcer: NodeJS.Timeout | undefined;
  const announce = async (): Promise<void> => {
    const entry: RemoteWorker = {
      host: hostname(), pid: process.pid, concurrency: args.concurrency, rss: process.memoryUsage().rss, seen: Date.now(),
    };
    await store.hset(workersKey(args.queue), me, JSON.stringify(entry));
  };

  let closing: Promise<void> | undefined;
  const shutdown = (code: number): Promise<void> =>
    (closing ??= (async () => {
      // With Redis gone too (the adapter's process was killed, and its redis-server with it), close() would wait on
      // reconnects forever: exit regardless after a grace period.
      setTimeout(() => process.exit(code), SHUTDOWN_GRACE_MS).unref();
      clearInterval(announcer);
      // close() lets running jobs finish, so no job is left active (and later re-run as stalled).
      await worker.close();
      if (!forked) await store.hdel(workersKey(args.queue), me).catch(() => 0);
      await store.quit().catch(() => 'closed');
      process.exit(code);
    })());

  if (forked) {
    process.on('message', (message: ToWorker) => {
      if (message.type === 'close') void shutdown(0);
      else if (message.type === 'rss') {
        process.send!({ type: 'rss', request: message.request, rss: process.memoryUsage().rss } satisfies FromWorker);
      }
    });
    // The adapter's process died (killed at its time limit, say): do not outlive it.
    process.on('disconnect', () => void shutdown(0));
    process.send!({ type: 'ready', pid: process.pid } satisfies FromWorker);
  } else {
    await announce();
    announcer = setInterval(() => void announce().catch(() => undefined), REMOTE_ANNOUNCE_MS);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(0));
    console.log(`bullmq worker ${me} on queue ${args.queue} at ${args.redis}, concurrency ${args.concurrency}`);
  }
}

// Run only as an entry point, so the adapter can import the shared names above without starting a worker.
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  let args: WorkerArgs;
  try {
    args = parseWorkerArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  main(args).catch((error: unknown) => {
    console.error(`bullmq worker failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  });
}
