// Plans and runs a benchmark: every measured run in a fresh child, order rotated across runs, results assembled.
import os from 'node:os';
import type { Scenario, Settle } from '../../scenarios/schema.js';
import type { AdapterInfo, RunPlan } from '../../impls/types.js';
import { canRun } from '../../impls/capabilities.js';
import { appliedProblems, tallyProblems } from './checks.js';
import { runChild } from './child.js';
import type { ChildReply } from './protocol.js';
import { captureEnvironment, installedVersion } from '../results/environment.js';
import { idealFor } from './ideal.js';
import { summarize } from '../stats/stats.js';
import { type Ideal, type ImplementationResult, type Probe, type ResultsFile, type RunRecord, type ScaledRun, RESULTS_SCHEMA_VERSION } from '../results/schema.js';
import { SAMPLING } from '../measure/measure.js';
import { countInstructions } from '../measure/instructions.js';
import { analyze } from '../stats/analysis.js';
import { medianInterval, relativeHalfWidth } from '../stats/intervals.js';
import { placeContender, placedName, unmeasuredNotes, type Placement } from '../runtimes/placement.js';
import type { RuntimeChoice } from '../runtimes/runtime.js';
import { runtimeGroups } from '../runtimes/groups.js';

/** An implementation to run: a registry adapter, or (tests only) an adapter loaded by the child from `module`. */
export interface Contender {
  /** Described, not loaded: planning needs no library; each child loads its own. */
  adapter: AdapterInfo;
  module?: string;
  /** Another checkout's child entry (the gate's A/B baseline); default this checkout's. */
  childScript?: string;
  /** Tells two contenders of one adapter apart (A/B sides) in progress and bookkeeping; default the adapter's name. */
  key?: string;
  /** The runtime its children run under (--runtime); absent, this process's node, and the row records none. */
  runtime?: RuntimeChoice;
}

// One adapter under several runtimes is several rows: the runtime is part of the key ("piscina (bun 1.4.5)").
const keyOf = (contender: Contender): string => contender.key ?? placedName(contender.adapter.name, contender.runtime);

export type ProgressEvent =
  | { type: 'skipped'; name: string; reason: string }
  /** `probe`: the row's first run, at that many tasks, which decides whether it runs full size (settle.slowRows). */
  | { type: 'start'; name: string; run: number; runs: number; step: number; steps: number; probe?: number }
  | { type: 'end'; name: string; run: number; runs: number; step: number; steps: number; elapsedMs: number; ok: boolean; detail: string; probe?: number };

export interface BenchOptions {
  scenario: Scenario;
  contenders: Contender[];
  runs: number;
  childHeapLimitMB?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Aborting stops the run: the running child is killed, nothing new starts, and the results come back partial. */
  signal?: AbortSignal;
  /** Record per-task latency (default true); false only to measure what recording costs. */
  latency?: boolean;
  /** After the timed runs, count instructions per task of each completed implementation under valgrind. */
  instructions?: boolean;
  /** Run until settled: after `runs` rounds, keep giving unsettled rows interleaved runs (see Adaptive). */
  adaptive?: Adaptive;
}

export const DEFAULT_CHILD_HEAP_LIMIT_MB = 8192;

/**
 * Chromium Pinpoint's "repeat until it can decide", per row: a row keeps getting runs until the 95 % interval of its
 * median is within ±precision, or it reaches maxRuns, or its runs have used rowBudgetSeconds of child time. Slow rows
 * hit their budget early, so they never hold the fast rows hostage. budgetSeconds caps all rows' child time together
 * (after the first `runs` rounds), and slowRows measures rows that would be slow at full size at a smaller size.
 */
export type Adaptive = Settle;

/** The probe's verdict on a row: full size, or its own smaller run with the reason. */
function probeVerdict(scenario: Scenario, slowRows: NonNullable<Settle['slowRows']>, probe: RunRecord): { full: true; wallMs: number } | { full: false; reason: string } {
  const to = slowRows.tasks.toLocaleString('en-US');
  const scaled = (why: string) => ({ full: false as const, reason: `scaled from ${scenario.tasks.toLocaleString('en-US')} to ${to} tasks: ${why}` });
  // A probe that failed or miscounted says nothing about speed, and it stays in the row's runs so the failure shows.
  if (probe.state === 'failed' || probe.problems.length > 0) {
    return scaled(`its first run at ${to} tasks ${probe.state === 'failed' ? 'failed' : 'had problems'}, so its speed is unknown`);
  }
  const probeSeconds = probe.sample.wallMs / 1000;
  const fullSeconds = probeSeconds * (scenario.tasks / slowRows.tasks);
  if (fullSeconds <= slowRows.aboveSeconds) return { full: true, wallMs: probe.sample.wallMs };
  const about = fullSeconds >= 10 ? fullSeconds.toFixed(0) : fullSeconds.toFixed(1);
  return scaled(
    `its first ${to} tasks took ${probeSeconds.toFixed(2)} s, so a full run would take ~${about} s (over settle.slowRows.aboveSeconds = ${slowRows.aboveSeconds} s)`,
  );
}

/** Whether a row's median is known to ±precision from its clean runs so far. */
export function isSettled(records: readonly RunRecord[], precision: number): boolean {
  const walls = records.flatMap((r) => (r.state === 'measured' && r.problems.length === 0 ? [r.sample.wallMs] : []));
  return walls.length > 0 && relativeHalfWidth(medianInterval(walls)) <= precision;
}

export function resolveThreads(scenario: Scenario): number {
  return scenario.threads === 'auto' ? os.availableParallelism() : scenario.threads;
}

/** The scenario at a smaller task count; warm-up never exceeds the measured run. */
export function scaledScenario(scenario: Scenario, tasks: number): Scenario {
  if (!Number.isInteger(tasks) || tasks < 1 || tasks >= scenario.tasks) {
    throw new Error(`scaleDown must return an integer task count from 1 to ${scenario.tasks - 1}, got ${tasks}`);
  }
  return { ...scenario, tasks, warmup: { ...scenario.warmup, tasks: Math.min(scenario.warmup.tasks, tasks) } };
}

/** Run r starts at contender r (mod n), so no implementation always runs first or last. */
export function rotatedOrder<T>(items: readonly T[], run: number): T[] {
  if (items.length === 0) return [];
  const k = run % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function summarizeRuns(runs: RunRecord[]) {
  const measured = runs.flatMap((r) => (r.state === 'measured' ? [r.sample] : []));
  if (measured.length === 0) return undefined;
  return {
    wallMs: summarize(measured.map((s) => s.wallMs)),
    heapPeakBytes: summarize(measured.map((s) => s.heapPeakBytes)),
    maxRssBytes: summarize(measured.map((s) => s.maxRssBytes)),
    cpuCores: summarize(measured.map((s) => s.cpuCores)),
  };
}

export function assemble(contender: Contender, runs: RunRecord[]): ImplementationResult {
  const { adapter } = contender;
  const base = {
    name: adapter.name,
    version: adapter.packageName ? installedVersion(adapter.packageName) : null,
    kind: adapter.kind,
  };
  const summary = summarizeRuns(runs);
  const firstMeasured = runs.find((r) => r.state === 'measured');
  const applied = firstMeasured?.state === 'measured' ? firstMeasured.applied : undefined;
  const bad = runs.filter((r) => r.state === 'failed' || r.problems.length > 0);
  if (bad.length === 0 && applied && summary) return { ...base, state: 'completed', applied, runs, summary };
  const first = bad[0];
  const why = !first ? 'no run was measured' : first.state === 'failed' ? first.reason : first.problems.join('; ');
  const reason = `${bad.length} of ${runs.length} runs failed; run ${(first?.runIndex ?? 0) + 1}: ${why}`;
  return { ...base, state: 'errored', reason, runs, ...(applied ? { applied } : {}), ...(summary ? { summary } : {}) };
}

/** What a reader must know to read a row right: settings the implementation could not apply. */
export function resultNotes(scenario: Scenario, result: ImplementationResult): string[] {
  if (result.state === 'skipped' || !result.applied) return [];
  const notes: string[] = [];
  const wanted = scenario.retries ?? 0;
  const applied = result.applied.retries;
  if (wanted > 0 && applied === undefined) notes.push(`has no retry: the scenario asks for ${wanted}, so failed tasks stay failed`);
  else if (wanted > 0 && applied !== wanted) notes.push(`applied ${applied} retries where the scenario asks for ${wanted}`);
  return notes;
}

/** A child's reply as a run record, with every check the runner makes on a measured run. */
export function toRecord(reply: ChildReply, elapsedMs: number, plan: RunPlan, runIndex: number): RunRecord {
  if (reply.type === 'failed') return { runIndex, state: 'failed', reason: reply.reason, elapsedMs };
  const { applied, sample } = reply;
  const { errorTolerance } = plan.scenario;
  const problems = [
    ...tallyProblems(sample.tally, '', errorTolerance),
    ...(sample.warmupTally ? tallyProblems(sample.warmupTally, ' in warm-up', errorTolerance) : []),
    ...appliedProblems(applied, plan, sample.tally.peakRunning),
  ];
  return { runIndex, state: 'measured', applied, sample, problems };
}

export async function runBench(options: BenchOptions): Promise<ResultsFile> {
  const { scenario, runs } = options;
  const heapLimitMB = options.childHeapLimitMB ?? DEFAULT_CHILD_HEAP_LIMIT_MB;
  const threads = resolveThreads(scenario);
  const plan: RunPlan = { scenario, threads };
  const createdAt = new Date().toISOString();
  const packageNames = options.contenders.flatMap((c) => (c.adapter.packageName ? [c.adapter.packageName] : []));
  // Captured before any run: the git state and versions are those of the code being measured.
  const env = captureEnvironment(packageNames, heapLimitMB);
  const ideal = await idealFor(scenario, threads);

  const runnable: Contender[] = [];
  const skipped = new Map<string, ImplementationResult>();
  // Rows that run a smaller task count than the scenario's, recorded as such: implementations that cannot finish the
  // scenario in time (their adapter's scaleDown), and rows whose probe found them slow (settle.slowRows).
  const scaled = new Map<string, { plan: RunPlan; scaled: ScaledRun }>();
  const ideals = new Map<number, Ideal | null>();
  const smallerPlan = async (tasks: number): Promise<RunPlan & { ideal: Ideal | null }> => {
    const smaller = scaledScenario(scenario, tasks);
    if (!ideals.has(tasks)) ideals.set(tasks, await idealFor(smaller, threads));
    return { scenario: smaller, threads, ideal: ideals.get(tasks)! };
  };
  // Where each row's children run (runtime, child entry); a runtime or program that cannot be had skips the row.
  const placements = new Map<string, Placement>();
  for (const contender of options.contenders) {
    const { adapter } = contender;
    const capable = canRun(adapter, plan);
    const placed = capable === true ? placeContender(adapter.name, contender.runtime, plan, heapLimitMB) : capable;
    const verdict = 'reason' in placed ? placed : true;
    if (!('reason' in placed)) placements.set(keyOf(contender), placed);
    if (verdict === true) {
      runnable.push(contender);
      const down = adapter.scaleDown?.(plan);
      if (down) {
        const { ideal: smallerIdeal, ...smaller } = await smallerPlan(down.tasks);
        scaled.set(keyOf(contender), {
          plan: smaller,
          scaled: { tasks: smaller.scenario.tasks, fromTasks: scenario.tasks, reason: down.reason, ideal: smallerIdeal },
        });
      }
    } else {
      skipped.set(keyOf(contender), {
        name: adapter.name,
        version: adapter.packageName ? installedVersion(adapter.packageName) : null,
        kind: adapter.kind,
        ...(contender.runtime ? { runtime: contender.runtime.info } : {}),
        state: 'skipped',
        reason: verdict.reason,
      });
      options.onProgress?.({ type: 'skipped', name: keyOf(contender), reason: verdict.reason });
    }
  }

  const records = new Map<string, RunRecord[]>(runnable.map((c) => [keyOf(c), []]));
  const childSeconds = new Map<string, number>(runnable.map((c) => [keyOf(c), 0]));
  let totalChildSeconds = 0;
  let budgetRanOut = false;
  const adaptive = options.adaptive;
  const maxRuns = adaptive ? Math.max(runs, adaptive.maxRuns) : runs;
  // A probe smaller than the run, for rows the adapter does not scale itself; the rest have nothing to probe.
  const slowRows = adaptive?.slowRows && adaptive.slowRows.tasks < scenario.tasks ? adaptive.slowRows : undefined;
  const probePlan = slowRows ? await smallerPlan(slowRows.tasks) : undefined;
  const unprobed = new Set(slowRows ? runnable.map(keyOf).filter((key) => !scaled.has(key)) : []);
  // Kept out of a full-size row's runs, but recorded with it so nothing measured is hidden.
  const probes = new Map<string, Probe>();
  // With adaptive runs the total is not known ahead: steps counts the most there can be (probes included).
  const steps = runnable.length * maxRuns + unprobed.size;
  let step = 0;
  const signal = options.signal;
  // Counted runs decide, not rounds: a full-size row's dropped probe does not use up one of its `runs`.
  const wantsMore = (contender: Contender): boolean => {
    const key = keyOf(contender);
    const done = records.get(key)!;
    if (unprobed.has(key) || done.length < runs) return true;
    if (!adaptive || done.length >= maxRuns) return false;
    if (isSettled(done, adaptive.precision) || childSeconds.get(key)! >= adaptive.rowBudgetSeconds) return false;
    if (adaptive.budgetSeconds !== undefined && totalChildSeconds >= adaptive.budgetSeconds) {
      budgetRanOut = true;
      return false;
    }
    return true;
  };
  runs: for (let round = 0; ; round++) {
    const due = rotatedOrder(runnable, round).filter(wantsMore);
    if (due.length === 0) break;
    for (const contender of due) {
      if (signal?.aborted) break runs;
      // The budget is checked before every run, not per round: a spent budget starts nothing more.
      if (!wantsMore(contender)) continue;
      const name = keyOf(contender);
      const probing = unprobed.has(name);
      const ownPlan = probing ? probePlan! : (scaled.get(name)?.plan ?? plan);
      const placement = placements.get(name)!;
      const run = records.get(name)!.length;
      const probe = probing ? { probe: ownPlan.scenario.tasks } : {};
      step++;
      options.onProgress?.({ type: 'start', name, run: run + 1, runs: maxRuns, step, steps, ...probe });
      const { reply, elapsedMs } = await runChild(
        {
          scenario: ownPlan.scenario,
          implementation: contender.adapter.name,
          threads,
          ...(options.latency === false ? { latency: false } : {}),
          ...(contender.module ? { adapterModule: contender.module } : {}),
        },
        scenario.timeLimitSeconds,
        heapLimitMB,
        signal,
        contender.childScript ?? placement.childScript,
        placement.launch,
      );
      // An interrupted run says nothing about the implementation: it is dropped, not recorded as a failure.
      if (signal?.aborted) break runs;
      const record = toRecord(reply, elapsedMs, ownPlan, run);
      childSeconds.set(name, childSeconds.get(name)! + elapsedMs / 1000);
      totalChildSeconds += elapsedMs / 1000;
      let verdict = '';
      if (probing) {
        unprobed.delete(name);
        const decided = probeVerdict(scenario, slowRows!, record);
        if (decided.full) {
          probes.set(name, { tasks: ownPlan.scenario.tasks, wallMs: decided.wallMs });
          verdict = '; full size from here';
        } else {
          records.get(name)!.push(record);
          scaled.set(name, { plan: probePlan!, scaled: { tasks: probePlan!.scenario.tasks, fromTasks: scenario.tasks, reason: decided.reason, ideal: probePlan!.ideal } });
          verdict = '; stays at this size';
        }
      } else {
        records.get(name)!.push(record);
      }
      const ok = record.state === 'measured' && record.problems.length === 0;
      const detail =
        (record.state === 'failed'
          ? record.reason
          : ok
            ? `${(record.sample.wallMs / 1000).toFixed(2)} s`
            : record.problems.join('; ')) + verdict;
      options.onProgress?.({ type: 'end', name, run: run + 1, runs: maxRuns, step, steps, elapsedMs, ok, detail, ...probe });
    }
  }

  const interrupted = signal?.aborted ? `interrupted by ${String(signal.reason ?? 'abort')} after ${step - 1} of ${steps} runs` : null;
  const implementations = options.contenders.map((c): ImplementationResult => {
    const done = records.get(keyOf(c)) ?? [];
    const skip = skipped.get(keyOf(c));
    if (skip) return skip;
    if (interrupted && done.length === 0) {
      return {
        name: c.adapter.name,
        version: c.adapter.packageName ? installedVersion(c.adapter.packageName) : null,
        kind: c.adapter.kind,
        ...(c.runtime ? { runtime: c.runtime.info } : {}),
        state: 'skipped',
        reason: `not run: the benchmark was ${interrupted}`,
      };
    }
    const result = assemble(c, done);
    const scale = scaled.get(keyOf(c));
    const probe = probes.get(keyOf(c));
    const placement = placements.get(keyOf(c));
    const notes = [...resultNotes(scenario, result), ...unmeasuredNotes(placement, done)];
    return {
      ...result,
      ...(placement?.runtime ? { runtime: placement.runtime } : {}),
      ...(scale ? { scaled: scale.scaled } : {}),
      ...(probe ? { probe } : {}),
      ...(notes.length > 0 ? { notes } : {}),
    };
  });
  if (options.instructions && !interrupted) {
    for (const [index, contender] of options.contenders.entries()) {
      const result = implementations[index]!;
      if (result.state !== 'completed' || signal?.aborted) continue;
      const name = keyOf(contender);
      // Instructions are counted under this node's child only: another runtime's or program's row would be mislabelled.
      const placed = placements.get(name);
      if (placed?.launch.runtime || placed?.childScript) {
        result.instructions = { state: 'skipped', reason: 'counted only for rows whose child is this invocation\'s node', method: 'cachegrind' };
        continue;
      }
      options.onProgress?.({ type: 'start', name: `${name} instructions`, run: 1, runs: 1, step, steps });
      const started = performance.now();
      const count = await countInstructions({
        scenario: scaled.get(name)?.plan.scenario ?? scenario,
        implementation: contender.adapter.name,
        threads,
        ...(contender.module ? { adapterModule: contender.module } : {}),
        ...(contender.childScript ? { childScript: contender.childScript } : {}),
      });
      result.instructions = count;
      const detail = count.state === 'counted' ? `${Math.round(count.perTask)} instructions per task` : `${count.state}: ${count.reason}`;
      options.onProgress?.({ type: 'end', name: `${name} instructions`, run: 1, runs: 1, step, steps, elapsedMs: performance.now() - started, ok: count.state !== 'failed', detail });
    }
  }
  const file: ResultsFile = {
    schemaVersion: RESULTS_SCHEMA_VERSION, createdAt, scenario, runsPerImplementation: runs, ideal, env, implementations, sampling: SAMPLING,
    ...(adaptive ? { adaptive: adaptive.budgetSeconds === undefined ? adaptive : { ...adaptive, budgetRanOut } } : {}),
    ...(interrupted ? { partial: { reason: interrupted } } : {}),
  };
  // Rows of several runtimes are analysed per runtime (tables do it by group); one analysis of them all would rank
  // them as if they were one run, so such a file stores none.
  return runtimeGroups(file).length > 1 ? file : { ...file, analysis: analyze(file) };
}
