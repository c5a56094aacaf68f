// Runs inside the measured child: setup, untimed warm-up, one timed run with memory/GC/CPU sampling, teardown.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import type { PoolAdapter, RunPlan, Applied, AdapterSession, ExternalMemory } from '../../impls/types.js';
import { createProbe, prepareWorkload } from '../../scenarios/workloads/task.js';
import { taskInputs, workloadKind } from '../../scenarios/workloads/index.js';
import { LatencyRecorder, sampleEveryFor, workloadPeriods } from './latency.js';
import { produce, type ProduceExtras, type Progress } from './producer.js';
import type { ChildProgress } from '../run/protocol.js';
import { type LatencySummary, type Tally } from '../results/schema.js';
import type { EventLoopSample, RunSample, MemoryPoint, Sampling } from '../results/schema.js';

export interface MeasureOptions {
  /** Record per-task latency. Default true; off only to measure what recording costs. */
  latency?: boolean;
}

/** How often memory held outside the child is asked for: each ask is a round trip, so less often than the heap. */
const EXTERNAL_SAMPLE_INTERVAL_MS = 250;
/** How often main-thread heap and process RSS are read during the timed run. */
const SAMPLE_INTERVAL_MS = 20;

/** How every timed run samples memory; recorded in each results file (the one place these intervals are set). */
export const SAMPLING: Sampling = {
  heap: { sampler: 'interval-timer', intervalMs: SAMPLE_INTERVAL_MS, source: 'process.memoryUsage' },
  external: { sampler: 'interval-timer', intervalMs: EXTERNAL_SAMPLE_INTERVAL_MS, source: 'adapter.externalMemory' },
};

/** The event-loop delay timer's interval: fine enough to see a 10 ms stall, coarse enough to cost nothing measurable. */
export const LOOP_RESOLUTION_MS = 5;

/**
 * Watches the main thread's responsiveness over the timed window: how late its timers fire (event-loop delay) and
 * the share of time it spent running code rather than waiting (event-loop utilisation). Resolves once the delay
 * timer has fired once: its first firing records nothing (there is no interval before it), so starting the watch
 * that way lets a window whose loop is blocked from its first moment still record the stall.
 */
export async function eventLoopWatch(resolutionMs = LOOP_RESOLUTION_MS): Promise<{ stop(): Promise<EventLoopSample | undefined> }> {
  let histogram: ReturnType<typeof monitorEventLoopDelay>;
  try {
    histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    histogram.enable();
  } catch {
    // A runtime without these perf_hooks parts records no event-loop figures rather than failing the run.
    return { stop: async () => undefined };
  }
  // Due just after the delay timer's first firing; libuv runs due timers in due order, so that one goes first.
  await new Promise((resolve) => setTimeout(resolve, resolutionMs + 1));
  const before = performance.eventLoopUtilization();
  return {
    async stop() {
      const elu = performance.eventLoopUtilization(before);
      // A loop blocked up to the end has an overdue delay timer: one timer turn lets it record that last interval.
      await new Promise((resolve) => setTimeout(resolve, 0));
      histogram.disable();
      // Some runtimes (Bun, Deno) accept both APIs but report nothing: no samples, or no time at all. That is
      // "not measured", never a perfectly free loop.
      if (histogram.count === 0 || elu.idle + elu.active === 0) return undefined;
      const utilization = elu.utilization;
      // The histogram holds each timer interval in ns, the resolution included: the delay is what lies beyond it.
      const delay = (ns: number): number => (histogram.count === 0 ? 0 : Math.max(0, ns / 1e6 - resolutionMs));
      return {
        delayP50Ms: delay(histogram.percentile(50)),
        delayP99Ms: delay(histogram.percentile(99)),
        delayMaxMs: delay(histogram.max),
        utilization,
        samples: histogram.count,
        resolutionMs,
      };
    },
  };
}

export interface MeasuredRun {
  applied: Applied;
  sample: RunSample;
}

const TIMELINE_POINTS = 200;

/** Keeps every k-th point (always the last) so long runs stay small in the results file. */
export function thinTimeline(points: MemoryPoint[], max = TIMELINE_POINTS): MemoryPoint[] {
  if (points.length <= max) return points;
  const step = Math.ceil(points.length / max);
  const kept = points.filter((_, i) => i % step === 0);
  if (kept[kept.length - 1] !== points[points.length - 1]) kept.push(points[points.length - 1]!);
  return kept;
}

/** The process's OS thread count from /proc (field 20 of stat), or null where there is no /proc. */
export function osThreadCount(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // The command name (field 2) may hold spaces; fields after its closing parenthesis are plain.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const n = Number(fields[17]);
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

function collectGarbage(): void {
  const global = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  // Node and Deno expose gc() with --expose-gc; Bun also has its own Bun.gc(true).
  if (global.gc) global.gc();
  else global.Bun?.gc(true);
}

/**
 * Whether this runtime reports garbage collections to perf_hooks; the reason when not. Bun lists no 'gc' entry type;
 * Deno lists one but never delivers an entry, so it is named here rather than detected.
 */
export function gcObservable(): true | string {
  if ('Deno' in globalThis) return "GC count and pause: Deno's perf_hooks accepts a gc observer but delivers no gc entries";
  // A static Node has had since 16; @types/node does not declare it.
  const supported = (PerformanceObserver as unknown as { supportedEntryTypes?: readonly string[] }).supportedEntryTypes ?? [];
  if (!supported.includes('gc')) {
    const runtime = process.versions.bun ? `Bun ${process.versions.bun}` : `this runtime (node ${process.versions.node})`;
    return `GC count and pause: ${runtime} has no gc entries in perf_hooks`;
  }
  return true;
}

/** Phase-tagged failure, so the parent can say where a child failed. */
export class PhaseError extends Error {
  constructor(readonly phase: 'setup' | 'warm-up' | 'run' | 'teardown', cause: unknown) {
    super(`${phase} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

async function phase<T>(name: PhaseError['phase'], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new PhaseError(name, error);
  }
}

export const HEARTBEAT_MS = 1000;

/** What the child is doing right now; read by run-one when the event loop empties before the run ends. */
export const liveStatus: { phase: ChildProgress['phase'] | 'idle'; progress: Progress; tasks: number } = {
  phase: 'idle',
  progress: { settled: 0 },
  tasks: 0,
};

/** Runs the producer while posting progress to the parent (when there is one) every HEARTBEAT_MS. */
async function produceWithHeartbeat(
  session: AdapterSession,
  tasks: number,
  plan: RunPlan,
  phase: ChildProgress['phase'],
  extras: ProduceExtras,
): Promise<Tally> {
  const progress: Progress = { settled: 0 };
  liveStatus.phase = phase;
  liveStatus.progress = progress;
  liveStatus.tasks = tasks;
  const send = process.send?.bind(process);
  const heartbeat = send
    ? setInterval(() => send({ type: 'progress', phase, settled: progress.settled, tasks } satisfies ChildProgress), HEARTBEAT_MS)
    : undefined;
  heartbeat?.unref();
  try {
    return await produce(session, tasks, plan.scenario.producer, { ...extras, progress });
  } finally {
    clearInterval(heartbeat);
    liveStatus.phase = 'idle';
  }
}

/**
 * The options as the results file can hold them: the harness's shared buffers (in workerData) cannot cross the
 * IPC channel, so each is described by its size instead.
 */
export function describeOptions(value: unknown): unknown {
  if (value instanceof SharedArrayBuffer) return `SharedArrayBuffer(${value.byteLength})`;
  if (Array.isArray(value)) return value.map(describeOptions);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describeOptions(v)]));
  }
  return value;
}

/** Samples external memory while the run lasts; the peak is what a user would have to provision. */
function externalSampler(session: AdapterSession): { stop(): Promise<ExternalMemory | undefined> } {
  const ask = session.externalMemory?.bind(session);
  if (!ask) return { stop: async () => undefined };
  let peak: ExternalMemory | undefined;
  let pending: Promise<void> = Promise.resolve();
  const take = (): Promise<void> =>
    ask().then((m) => {
      if (!peak || m.bytes > peak.bytes) peak = m;
    });
  const timer = setInterval(() => {
    pending = pending.then(take, take);
  }, EXTERNAL_SAMPLE_INTERVAL_MS);
  timer.unref();
  pending = take();
  return {
    async stop() {
      clearInterval(timer);
      await pending;
      await take();
      return peak;
    },
  };
}

export async function measureOnce(adapter: PoolAdapter, basePlan: RunPlan, options: MeasureOptions = {}): Promise<MeasuredRun> {
  const { scenario } = basePlan;
  const recordLatency = options.latency ?? true;
  const countAttempts = workloadKind(scenario.workload).countsAttempts === true;
  // Tasks that carry data get their messages from the producer, built by the workload's declaration.
  const input = taskInputs(scenario.workload);
  const probe =
    recordLatency || countAttempts
      ? createProbe(Math.max(scenario.tasks, scenario.warmup.tasks), recordLatency ? sampleEveryFor(scenario.tasks, workloadPeriods(scenario.workload)) : 2 ** 31, countAttempts)
      : undefined;
  const plan: RunPlan = probe ? { ...basePlan, task: { workload: scenario.workload, probe } } : basePlan;
  const extras: ProduceExtras = {
    ...(probe && recordLatency ? { latency: new LatencyRecorder(probe) } : {}),
    ...(probe && countAttempts ? { attempts: new Int32Array(probe.attempts) } : {}),
    ...(input ? { input } : {}),
  };
  // A user's module (the module workload) is imported here, untimed, before any adapter builds its task from it.
  await phase('setup', () => prepareWorkload(scenario.workload));
  const setupStart = performance.now();
  const session = await phase('setup', () => adapter.setup(plan));
  const setupMs = performance.now() - setupStart;

  const warmupStart = performance.now();
  let warmupTally: Tally | undefined;
  for (let pass = 0; pass < scenario.warmup.passes && scenario.warmup.tasks > 0; pass++) {
    warmupTally = await phase('warm-up', () => produceWithHeartbeat(session, scenario.warmup.tasks, plan, 'warm-up', extras));
  }
  const warmupMs = performance.now() - warmupStart;

  collectGarbage();
  const baseline = process.memoryUsage();
  const timeline: MemoryPoint[] = [];
  let heapPeak = baseline.heapUsed;
  let rssPeak = baseline.rss;
  let t0 = performance.now();
  // Thread counts only where pools may shrink and grow: reading /proc costs a little, so not on every scenario.
  const countThreads = scenario.dynamicThreads !== undefined && osThreadCount() !== null;
  let osThreads: { min: number; max: number } | undefined;
  const liveThreads = scenario.dynamicThreads !== undefined ? session.liveThreads?.bind(session) : undefined;
  let poolThreads: { min: number; max: number; drops: number } | undefined;
  let lastLive = -1;
  const sample = (): void => {
    const m = process.memoryUsage();
    if (m.heapUsed > heapPeak) heapPeak = m.heapUsed;
    if (m.rss > rssPeak) rssPeak = m.rss;
    const point: MemoryPoint = { t: Math.round(performance.now() - t0), heapUsed: m.heapUsed, rss: m.rss };
    if (countThreads) {
      const n = osThreadCount() ?? 0;
      point.threads = n;
      osThreads = osThreads ? { min: Math.min(osThreads.min, n), max: Math.max(osThreads.max, n) } : { min: n, max: n };
    }
    if (liveThreads) {
      const n = liveThreads();
      poolThreads = poolThreads
        ? { min: Math.min(poolThreads.min, n), max: Math.max(poolThreads.max, n), drops: poolThreads.drops + (n < lastLive ? 1 : 0) }
        : { min: n, max: n, drops: 0 };
      lastLive = n;
    }
    timeline.push(point);
  };
  let gcCount = 0;
  let gcPauseMs = 0;
  const unmeasured: string[] = [];
  const gcSeen = gcObservable();
  if (gcSeen !== true) unmeasured.push(gcSeen);
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcCount++;
      gcPauseMs += entry.duration;
    }
  });
  if (gcSeen === true) observer.observe({ entryTypes: ['gc'] });
  const sampler = setInterval(sample, SAMPLE_INTERVAL_MS);
  sampler.unref();

  const external = externalSampler(session);
  const loop = await eventLoopWatch();
  const cpuBefore = process.cpuUsage();
  t0 = performance.now();
  sample();
  const tally = await phase('run', () => produceWithHeartbeat(session, scenario.tasks, plan, 'run', extras));
  const cpu = process.cpuUsage(cpuBefore);
  const eventLoop = await loop.stop();
  sample();
  clearInterval(sampler);
  const externalPeak = await phase('run', () => external.stop());
  // GC entries are delivered asynchronously: let pending ones arrive before disconnecting.
  await new Promise((resolve) => setImmediate(resolve));
  for (const entry of observer.takeRecords()) {
    gcCount++;
    gcPauseMs += entry.duration;
  }
  observer.disconnect();

  const teardownStart = performance.now();
  await phase('teardown', () => session.teardown());
  const teardownMs = performance.now() - teardownStart;

  const cpuUserMs = cpu.user / 1000;
  const cpuSystemMs = cpu.system / 1000;
  return {
    applied: { ...session.applied, options: describeOptions(session.applied.options) as Record<string, unknown> },
    sample: {
      wallMs: tally.wallMs,
      setupMs,
      warmupMs,
      teardownMs,
      heapBaselineBytes: baseline.heapUsed,
      heapPeakBytes: heapPeak,
      rssPeakBytes: rssPeak,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      gcCount,
      gcPauseMs,
      cpuUserMs,
      cpuSystemMs,
      cpuCores: (cpuUserMs + cpuSystemMs) / tally.wallMs,
      tally,
      ...(eventLoop ? { eventLoop } : {}),
      ...(warmupTally ? { warmupTally } : {}),
      timeline: thinTimeline(timeline),
      ...(extras.latency ? { latency: extras.latency.summary() } : {}),
      ...(externalPeak ? { externalPeak } : {}),
      ...(osThreads ? { osThreads } : {}),
      ...(poolThreads ? { poolThreads } : {}),
      ...(unmeasured.length > 0 ? { unmeasured } : {}),
    },
  };
}
