// BullMQ on a real Redis server: the main side adds jobs with a Queue (addBulk per tick) and learns completions from
// QueueEvents; worker *processes* (child_process.fork, or started by hand on other machines) run BullMQ Workers.
// Concurrency maps like the thread pools: plan.threads processes × concurrency/threads jobs per process.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
// bullmq and ioredis are loaded in setup(), not at import: this module's shared names are imported by tests and
// tools, and loading the libraries costs about 6.5 MB of heap and 36 MB of RSS.
import type { Redis } from 'ioredis';
import { findOrStartRedis, REDIS_URL_ENV, type RedisServer } from './support/redis.js';
import { LOCAL_WORKERS_ENV, localWorkers } from './support/bullmq-plan.js';
import { ID_SPACE } from '../scenarios/workloads/task.js';
import { compiledWorkerFile, requireSplit } from './mapping.js';
import type { AdapterSession, Done, ExternalMemory, RunPlan } from './types.js';
import {
  REMOTE_STALE_MS, workersKey, workloadKey, type FromWorker, type RemoteWorker, type ToWorker,
} from './workers/bullmq-process.js';

/** Queue name hand-started workers listen on; local runs use a fresh queue per session. */
export const QUEUE_ENV = 'POOLBENCH_BULLMQ_QUEUE';
export const DEFAULT_REMOTE_QUEUE = 'poolbench';

const ADD_CHUNK = 1000;
const WORKER_START_TIMEOUT_MS = 30_000;
const WORKER_STOP_TIMEOUT_MS = 10_000;
const RSS_REPLY_TIMEOUT_MS = 1000;

/** The most events the QueueEvents stream must hold unread: 4 per outstanding job (added, waiting, active, completed) plus a 'drained' each. */
function eventsMaxLen(plan: RunPlan): number {
  const { producer, tasks, warmup } = plan.scenario;
  const outstanding = producer.style === 'window' ? producer.outstanding : Math.max(tasks, warmup.tasks);
  return Math.max(10_000, 5 * outstanding + 1000);
}

async function readRss(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

interface LocalWorker {
  child: ChildProcess;
  exited: Promise<void>;
  stderr: () => string;
}

function startLocalWorker(file: string, args: string[]): Promise<LocalWorker> {
  // execArgv: [] so workers do not inherit the measured child's flags (--expose-gc, its heap limit) or a test runner's.
  const child = fork(file, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const worker: LocalWorker = { child, exited, stderr: () => stderr };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bullmq worker process ${child.pid} did not report ready within ${WORKER_START_TIMEOUT_MS} ms`));
    }, WORKER_START_TIMEOUT_MS);
    child.once('message', (message: FromWorker) => {
      clearTimeout(timer);
      if (message.type === 'ready') resolve(worker);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      // Node ends a crash report with its version line: the error is a few lines above it.
      const last = stderr.trim().split('\n').filter((line) => line.trim() && !line.startsWith('Node.js v')).slice(-3).join(' | ');
      reject(new Error(`bullmq worker process exited with code ${code} before it was ready${last ? `: ${last}` : ''}`));
    });
  });
}

async function stopLocalWorker(worker: LocalWorker): Promise<void> {
  const { child } = worker;
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.send({ type: 'close' } satisfies ToWorker);
  const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_STOP_TIMEOUT_MS);
  await worker.exited;
  clearTimeout(timer);
}

async function remoteWorkers(admin: Redis, queue: string): Promise<RemoteWorker[]> {
  const now = Date.now();
  const all = Object.values(await admin.hgetall(workersKey(queue))).map((json) => JSON.parse(json) as RemoteWorker);
  return all.filter((w) => now - w.seen < REMOTE_STALE_MS);
}

async function waitForRemoteWorkers(admin: Redis, queue: string, url: string, wanted: number): Promise<RemoteWorker[]> {
  const deadline = Date.now() + WORKER_START_TIMEOUT_MS;
  for (;;) {
    const found = await remoteWorkers(admin, queue);
    if (found.length >= wanted) return found;
    if (Date.now() > deadline) {
      throw new Error(
        `${LOCAL_WORKERS_ENV}=0: ${found.length} of ${wanted} BullMQ workers announced themselves on queue ${queue} at ${url} ` +
          `within ${WORKER_START_TIMEOUT_MS / 1000} s; start them with ` +
          `node dist/impls/workers/bullmq-process.js --redis <url> --queue ${queue} --concurrency <N>`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Pending {
  id: number;
  done: Done;
  startedAt: number | undefined;
}

/** The adapter's setup with the environment it reads (POOLBENCH_REDIS_URL, …) passed in; tests pass their own. */
export async function bullmqSetup(plan: RunPlan, env: NodeJS.ProcessEnv = process.env): Promise<AdapterSession> {
  const split = requireSplit(plan);
  const local = localWorkers(env);
  const server: RedisServer = await findOrStartRedis(env);
  // Everything opened from here on is closed by cleanup(), also when setup itself fails half-way.
  const closers: (() => Promise<unknown>)[] = [];
  // Every closer runs even when one fails; the first failure is then reported (teardown's phase error).
  const cleanup = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const close of closers.splice(0).reverse()) await close().catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw errors[0];
  };
  try {
    const [{ Queue, QueueEvents }, { Redis }] = await Promise.all([import('bullmq'), import('ioredis')]);
    const run = `r${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const queueName = local ? `poolbench-${run}` : (env[QUEUE_ENV] ?? DEFAULT_REMOTE_QUEUE);
    const connection = { url: server.url, maxRetriesPerRequest: null };
    closers.push(() => server.stop());

    const admin = new Redis(server.url, { maxRetriesPerRequest: null });
    closers.push(() => admin.quit());
    await admin.set(workloadKey(queueName, run), JSON.stringify(plan.scenario.workload), 'EX', 24 * 3600);
    closers.push(() => admin.del(workloadKey(queueName, run)));

    const maxLen = eventsMaxLen(plan);
    const queueOptions = {
      // Completed and failed jobs are deleted at once, so Redis holds only jobs still waiting or running.
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
      streams: { events: { maxLen } },
    };
    const queue = new Queue<number, number, string>(queueName, { connection, ...queueOptions });
    closers.push(() => queue.close());
    await queue.waitUntilReady();
    if (!server.owned) closers.push(() => queue.obliterate({ force: true }));

    // Reading from the stream's current last entry, not '$' (which means "after the first XREAD is sent"), so no
    // event of this session's jobs can slip in before the reader starts.
    const eventsKey = queue.keys.events!;
    const last = await admin.xrevrange(eventsKey, '+', '-', 'COUNT', 1);
    const lastEventId = last[0]?.[0] ?? '0-0';
    const events = new QueueEvents(queueName, { connection, lastEventId });
    closers.push(() => events.close());

    const pending = new Map<number, Pending>();
    const jobPrefix = `${run}-`;
    const seqOf = (jobId: string): number => (jobId.startsWith(jobPrefix) ? Number(jobId.slice(jobPrefix.length)) : -1);
    let lastDone: Done | undefined;
    // The first sequence number of the current pass (warm-up, then the run): ids repeat across passes.
    let passStart = 0;
    events.on('active', ({ jobId }, eventId) => {
      const entry = pending.get(seqOf(jobId));
      // A stream entry id starts with Redis's clock in epoch ms at the moment the job was taken by a worker.
      if (entry) entry.startedAt = Number(eventId.slice(0, eventId.indexOf('-')));
    });
    events.on('completed', ({ jobId, returnvalue }) => {
      const seq = seqOf(jobId);
      const entry = pending.get(seq);
      const result = returnvalue as unknown as number;
      if (entry) {
        pending.delete(seq);
        entry.done(entry.id, null, result, entry.startedAt);
      } else if (seq >= passStart && lastDone) {
        // A second completion of one of this pass's jobs: forwarded, so the ledger counts the duplicate. A job of an
        // earlier pass is dropped: its id may be in flight again in this pass, and that pass's ledger is closed.
        lastDone(result % ID_SPACE, null, result);
      }
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const seq = seqOf(jobId);
      const entry = pending.get(seq);
      if (!entry) return;
      pending.delete(seq);
      entry.done(entry.id, new Error(failedReason), undefined, entry.startedAt);
    });
    events.on('error', (error) => {
      // BullMQ reconnects by itself; an error here is worth seeing but not fatal.
      console.error(`bullmq queue events: ${error.message}`);
    });
    await events.waitUntilReady();

    let externalParts: () => Promise<Record<string, number>>;
    let processes: number;
    let perProcess: number;
    let totalConcurrency: number;
    if (local) {
      const file = compiledWorkerFile('bullmq-process');
      const args = ['--redis', server.url, '--queue', queueName, '--concurrency', String(split.tasksPerWorker)];
      const started = await Promise.allSettled(Array.from({ length: split.threads }, () => startLocalWorker(file, args)));
      const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      closers.push(() => Promise.all(workers.map(stopLocalWorker)));
      const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
      processes = workers.length;
      perProcess = split.tasksPerWorker;
      totalConcurrency = processes * perProcess;
      let request = 0;
      const rssOverIpc = (worker: LocalWorker): Promise<number> =>
        new Promise((resolve) => {
          const id = ++request;
          const timer = setTimeout(() => {
            worker.child.off('message', onReply);
            resolve(0);
          }, RSS_REPLY_TIMEOUT_MS);
          const onReply = (message: FromWorker): void => {
            if (message.type !== 'rss' || message.request !== id) return;
            clearTimeout(timer);
            worker.child.off('message', onReply);
            resolve(message.rss);
          };
          worker.child.on('message', onReply);
          worker.child.send({ type: 'rss', request: id } satisfies ToWorker);
        });
      externalParts = async () => {
        const parts: Record<string, number> = {};
        await Promise.all(
          workers.map(async (worker, i) => {
            // /proc answers even while the worker's event loop is busy; IPC is the fallback off Linux.
            parts[`worker.${i}.rss`] = (await readRss(worker.child.pid!)) ?? (await rssOverIpc(worker));
          }),
        );
        return parts;
      };
    } else {
      const found = await waitForRemoteWorkers(admin, queueName, server.url, plan.threads);
      processes = found.length;
      // Reported as found: uneven or missing workers show up in the runner's check of threads × tasks per worker.
      perProcess = Math.max(...found.map((w) => w.concurrency));
      totalConcurrency = found.reduce((sum, w) => sum + w.concurrency, 0);
      externalParts = async () => {
        const parts: Record<string, number> = {};
        for (const w of await remoteWorkers(admin, queueName)) parts[`worker.${w.host}:${w.pid}.rss`] = w.rss;
        return parts;
      };
    }

    let nextSeq = 0;
    let batch: { name: string; data: number; opts: { jobId: string } }[] = [];
    let batchSeqs: number[] = [];
    const fail = (seqs: number[], error: unknown): void => {
      for (const seq of seqs) {
        const entry = pending.get(seq);
        if (!entry) continue;
        pending.delete(seq);
        entry.done(entry.id, error);
      }
    };
    // The producer submits one id at a time in a synchronous loop: everything submitted in one tick goes out as
    // addBulk calls of ADD_CHUNK jobs (one pipelined round trip each) once that loop is done.
    const flush = (): void => {
      const jobs = batch;
      const seqs = batchSeqs;
      batch = [];
      batchSeqs = [];
      for (let start = 0; start < jobs.length; start += ADD_CHUNK) {
        const chunkSeqs = seqs.slice(start, start + ADD_CHUNK);
        queue.addBulk(jobs.slice(start, start + ADD_CHUNK)).catch((error: unknown) => fail(chunkSeqs, error));
      }
    };

    const session: AdapterSession = {
      applied: {
        concurrency: totalConcurrency,
        threads: processes,
        tasksPerWorker: perProcess,
        options: {
          queue: queueName,
          redis: server.owned ? 'redis-server started for this run (loopback, --save "" --appendonly no)' : `${REDIS_URL_ENV}`,
          workerProcesses: processes,
          workerOptions: { concurrency: perProcess },
          workers: local ? 'forked here' : 'started by hand, found in Redis',
          ...queueOptions,
          addBulkChunk: ADD_CHUNK,
          completions: 'QueueEvents completed/failed',
        },
      },
      submit(id, done) {
        const seq = nextSeq++;
        if (done !== lastDone) passStart = seq;
        lastDone = done;
        pending.set(seq, { id, done, startedAt: undefined });
        if (batch.length === 0) queueMicrotask(flush);
        batch.push({ name: run, data: id, opts: { jobId: jobPrefix + seq } });
        batchSeqs.push(seq);
      },
      async externalMemory(): Promise<ExternalMemory> {
        const info = await admin.info('memory');
        const usedMemory = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
        const parts: Record<string, number> = { 'redis.used_memory': usedMemory, ...(await externalParts()) };
        return { bytes: Object.values(parts).reduce((a, b) => a + b, 0), parts };
      },
      teardown: cleanup,
    };
    return session;
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}

export const setup = (plan: RunPlan): Promise<AdapterSession> => bullmqSetup(plan);

// Planning (its Redis requirement, its scaled-down run) lives in support/bullmq-plan.ts; re-exported for callers here.
export { bullmqEnvironment, bullmqScaleDown, CONSERVATIVE_JOBS_PER_SECOND, LOCAL_WORKERS_ENV } from './support/bullmq-plan.js';
