// Scenarios are data: one JSON file per scenario, checked field by field on load.
import { isAbsolute, resolve } from 'node:path';
import { ID_SPACE } from './workloads/runtime.js';
import { isInputGenerator, missingModuleFile } from './workloads/module.js';
import { workloadKinds, type Workload } from './workloads/index.js';
import type { FieldSpec } from './workloads/kind.js';
import { errors } from '../core/errors.js';

export const SCENARIO_SCHEMA_VERSION = 1;

export type Producer =
  | { style: 'upfront' }
  | { style: 'window'; outstanding: number }
  /** Open loop: `size` tasks at once every `everyMs` ms, whatever has settled, until all tasks are submitted. */
  | { style: 'bursts'; size: number; everyMs: number };

/** Scenario fields a sweep may vary, each with one value per grid point. */
export const SWEEP_KEYS = ['tasks', 'concurrency', 'threads', 'producer', 'workload.transfer'] as const;
export type SweepKey = (typeof SWEEP_KEYS)[number];
export type SweepValue = number | boolean | Producer;
export type Sweep = Partial<Record<SweepKey, SweepValue[]>>;
/** One grid point: the swept fields' values, labelled for tables and charts. */
export type SweepPoint = Partial<Record<SweepKey, number | boolean | string>>;

/** Most points one sweep may expand to: every point is a full benchmark. */
export const MAX_SWEEP_POINTS = 64;

export interface Scenario {
  schemaVersion: 1;
  id: string;
  description: string;
  workload: Workload;
  /** Tasks in one measured run. */
  tasks: number;
  /** Tasks in flight at most: an in-thread limit, or threads × tasks per worker. */
  concurrency: number;
  /** Worker threads for thread pools; 'auto' means os.availableParallelism(). */
  threads: number | 'auto';
  producer: Producer;
  /** Untimed passes through the same pool, in the same child, before the measured run. */
  warmup: { passes: number; tasks: number };
  /** Measured runs, each in a fresh child process. */
  runs: number;
  /** Per child process, setup to teardown; the child is killed past it. */
  timeLimitSeconds: number;
  /** Fraction of tasks that may fail before a run counts as errored. Default 0: any failure errs the run. */
  errorTolerance?: number;
  /** The regression gate's minimum median change per metric, as fractions. Default: wallMs 0.10, heapPeakBytes 0.20. */
  gateThresholds?: { wallMs?: number; heapPeakBytes?: number };
  /**
   * Run until settled: after `runs` rounds, each row keeps getting interleaved runs until the 95 % interval of its
   * median is within ±precision, it has had maxRuns, or its runs have used rowBudgetSeconds. --precision overrides.
   */
  settle?: Settle;
  /**
   * Thread pools may shrink to `min` threads after `idleTimeoutMs` idle and grow back to `threads` under load.
   * Absent: threads are fixed (min = max). Pools that cannot shrink on an idle timeout skip the scenario.
   */
  dynamicThreads?: { min: number; idleTimeoutMs: number };
  /** Retries per failed task, for implementations that can retry; the others run without and say so. Default 0. */
  retries?: number;
  /** Lists of values to run the scenario at: the runner runs every combination (the grid) as its own point. */
  sweep?: Sweep;
  /** Set on each expanded grid point (never in a file): which values this point took. */
  point?: SweepPoint;
}

/** How rows run until settled (see `Adaptive` in harness/run/runner.ts, which takes this shape). */
export interface Settle {
  precision: number;
  maxRuns: number;
  rowBudgetSeconds: number;
  /** Child seconds of all rows' runs together: once spent, no adaptive run starts (the first `runs` always do). */
  budgetSeconds?: number;
  /**
   * Every row's first run is a probe at `tasks` tasks; a row whose full run would take over `aboveSeconds` (the
   * probe's wall time scaled up) stays at `tasks` for all its runs, so slow rows cannot eat the time of fast ones.
   */
  slowRows?: SlowRows;
}

export interface SlowRows {
  tasks: number;
  aboveSeconds: number;
}

export interface ValidatedScenario {
  scenario: Scenario;
  /** Allowed but noteworthy settings, stated to the user. */
  notes: string[];
  /** For a sweep: one validated scenario per grid point, in grid order (the first key varies slowest). */
  points?: Scenario[];
}

const TOP_FIELDS = [
  'schemaVersion', 'id', 'description', 'workload', 'tasks', 'concurrency', 'threads', 'producer', 'warmup', 'runs',
  'timeLimitSeconds', 'errorTolerance', 'gateThresholds', 'settle', 'retries', 'dynamicThreads', 'sweep',
] as const;

/** Node's timers clamp any delay above this to 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class FieldReader {
  constructor(private readonly file: string) {}

  object(value: unknown, path: string, fields: readonly string[]): Obj {
    if (!isObject(value)) throw errors.invalidField(this.file, path, value, `an object with fields ${fields.join(', ')}`);
    for (const key of Object.keys(value)) {
      if (!fields.includes(key)) throw errors.unknownField(this.file, path ? `${path}.${key}` : key, fields);
    }
    return value;
  }

  integer(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
      throw errors.invalidField(this.file, path, value, range);
    }
    return value;
  }

  /**
   * A duration or other positive amount. Every such field ends up in a timer, and Node clamps a delay of 2^31 ms or
   * more to 1 ms, so the default bound is the largest delay a timer keeps (`max` in the field's own unit).
   */
  positiveNumber(value: unknown, path: string, max = MAX_TIMER_MS): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > max) {
      throw errors.invalidField(this.file, path, value, `a number > 0 and ≤ ${max} (the longest delay a timer keeps)`);
    }
    return value;
  }

  text(value: unknown, path: string, pattern?: RegExp, patternText?: string): string {
    if (typeof value !== 'string' || value.trim() === '' || (pattern && !pattern.test(value))) {
      throw errors.invalidField(this.file, path, value, patternText ?? 'a non-empty string');
    }
    return value;
  }
}

/** Where a scenario's relative paths (a module workload's files) start: the scenario file's folder. */
export interface ScenarioContext {
  dir: string;
}

/** A module file named by a scenario: resolved against the scenario's folder; it must be there. */
function readModulePath(file: string, value: unknown, path: string, context: ScenarioContext): string {
  const allowed = "a path to a JavaScript module file, relative to the scenario file's folder";
  if (typeof value !== 'string' || value.trim() === '') throw errors.invalidField(file, path, value, allowed);
  const absolute = isAbsolute(value) ? value : resolve(context.dir, value);
  const missing = missingModuleFile(absolute);
  if (missing) throw errors.invalidField(file, path, value, `${allowed} (${absolute}: ${missing})`);
  return absolute;
}

function readExportName(r: FieldReader, value: unknown, path: string, fallback: string): string {
  return value === undefined ? fallback : r.text(value, path, /^[\p{L}_$][\p{L}\p{N}_$]*$/u, 'the name of one of the module\'s exports (a JavaScript identifier, e.g. "default")');
}

/** A fixed JSON value, or `{ generator, export }` naming a module that maps a task id to its input; absent stays absent. */
function readModuleInput(r: FieldReader, file: string, value: unknown, path: string, context: ScenarioContext): unknown {
  if (!isInputGenerator(value)) return value;
  return {
    generator: readModulePath(file, value.generator, `${path}.generator`, context),
    export: readExportName(r, value.export, `${path}.export`, 'default'),
  };
}

/** One workload field by its kind's rule, read with the same reader (and so the same errors) as every other field. */
function readWorkloadField(r: FieldReader, file: string, value: unknown, path: string, spec: FieldSpec, context: ScenarioContext): unknown {
  switch (spec.type) {
    case 'positive-number':
      return r.positiveNumber(value, path);
    case 'integer':
      return r.integer(value, path, spec.min, spec.max);
    case 'boolean':
      if (typeof value !== 'boolean') throw errors.invalidField(file, path, value, spec.allowed);
      return value;
    case 'module-path':
      return readModulePath(file, value, path, context);
    case 'export-name':
      return readExportName(r, value, path, spec.default);
    case 'module-input':
      return readModuleInput(r, file, value, path, context);
  }
}

/** The workload by its kind's declaration (scenarios/workloads/): its fields, in the order the kind lists them. */
function readWorkload(r: FieldReader, file: string, value: unknown, context: ScenarioContext): Workload {
  const kinds = workloadKinds.map((k) => k.kind);
  if (!isObject(value)) throw errors.invalidField(file, 'workload', value, `an object with kind ${kinds.join(' | ')}`);
  const kind = workloadKinds.find((k) => k.kind === value.kind);
  if (!kind) throw errors.invalidField(file, 'workload.kind', value.kind, kinds.map((k) => JSON.stringify(k)).join(' | '));
  const fields = Object.entries(kind.fields) as Array<[string, FieldSpec]>;
  const w = r.object(value, 'workload', ['kind', ...fields.map(([name]) => name)]);
  const workload: Record<string, unknown> = { kind: kind.kind };
  for (const [name, spec] of fields) {
    const read = readWorkloadField(r, file, w[name], `workload.${name}`, spec, context);
    // Optional fields (a module's input) stay absent rather than undefined, so the scenario reads back as written.
    if (read !== undefined) workload[name] = read;
  }
  // Every field of the kind, each read by its rule: exactly that kind's workload.
  return workload as unknown as Workload;
}

function readProducer(r: FieldReader, file: string, value: unknown, concurrency: number): Producer {
  const styles = ['upfront', 'window', 'bursts'];
  if (!isObject(value)) throw errors.invalidField(file, 'producer', value, `an object with style ${styles.join(' | ')}`);
  switch (value.style) {
    case 'upfront':
      r.object(value, 'producer', ['style']);
      return { style: 'upfront' };
    case 'window': {
      const p = r.object(value, 'producer', ['style', 'outstanding']);
      const outstanding = r.integer(p.outstanding, 'producer.outstanding', 1);
      if (outstanding <= concurrency) {
        // A window no larger than the limit never lets a pool queue anything: its own queue goes unmeasured.
        throw errors.invalidField(file, 'producer.outstanding', outstanding, `an integer > concurrency (${concurrency})`);
      }
      return { style: 'window', outstanding };
    }
    case 'bursts': {
      const p = r.object(value, 'producer', ['style', 'size', 'everyMs']);
      return { style: 'bursts', size: r.integer(p.size, 'producer.size', 1), everyMs: r.positiveNumber(p.everyMs, 'producer.everyMs') };
    }
    default:
      throw errors.invalidField(file, 'producer.style', value.style, styles.map((s) => JSON.stringify(s)).join(' | '));
  }
}

function readFraction(file: string, value: unknown): number {
  if (typeof value === 'number' && value >= 0 && value <= 1) return value;
  throw errors.invalidField(file, 'errorTolerance', value, 'a number from 0 to 1 (the fraction of tasks allowed to fail)');
}

function readGateThresholds(r: FieldReader, file: string, value: unknown): { wallMs?: number; heapPeakBytes?: number } {
  const obj = r.object(value, 'gateThresholds', ['wallMs', 'heapPeakBytes']);
  const out: { wallMs?: number; heapPeakBytes?: number } = {};
  for (const key of ['wallMs', 'heapPeakBytes'] as const) {
    const v = obj[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0 && v < 10)) {
      throw errors.invalidField(file, `gateThresholds.${key}`, v, 'a fraction > 0 and < 10 (0.1 = a 10 % change)');
    }
    out[key] = v;
  }
  return out;
}

function readRowBudget(file: string, value: unknown): number {
  if (typeof value === 'number' && value > 0 && value <= 86_400) return value;
  throw errors.invalidField(file, 'settle.rowBudgetSeconds', value, 'seconds > 0 and ≤ 86400 (the child time one row may use)');
}

function readBudget(file: string, value: unknown): number {
  if (typeof value === 'number' && value > 0 && value <= 86_400) return value;
  throw errors.invalidField(file, 'settle.budgetSeconds', value, 'seconds > 0 and ≤ 86400 (the child time all rows\' runs may use together)');
}

function readSlowRows(r: FieldReader, file: string, value: unknown, tasks: number): SlowRows {
  const o = r.object(value, 'settle.slowRows', ['tasks', 'aboveSeconds']);
  // A probe as large as the run would measure nothing new: it must be smaller than the scenario.
  if (tasks < 2) throw errors.invalidField(file, 'settle.slowRows', value, `absent when tasks is ${tasks} (there is no smaller probe)`);
  const probeTasks = r.integer(o.tasks, 'settle.slowRows.tasks', 1, tasks - 1);
  const aboveSeconds = o.aboveSeconds;
  if (typeof aboveSeconds !== 'number' || !(aboveSeconds > 0 && aboveSeconds <= 86_400)) {
    throw errors.invalidField(file, 'settle.slowRows.aboveSeconds', aboveSeconds, 'seconds > 0 and ≤ 86400 (the longest full run a row may take; slower rows stay at slowRows.tasks)');
  }
  return { tasks: probeTasks, aboveSeconds };
}

function readThreads(file: string, value: unknown): number | 'auto' {
  if (value === 'auto') return 'auto';
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 1024) return value;
  throw errors.invalidField(file, 'threads', value, '"auto" or an integer from 1 to 1024');
}

export function producerLabel(producer: Producer): string {
  switch (producer.style) {
    case 'upfront':
      return 'upfront';
    case 'window':
      return `window ${producer.outstanding}`;
    case 'bursts':
      return `bursts ${producer.size}/${producer.everyMs}ms`;
  }
}

/** "tasks=10000 producer=upfront": one point's values, as tables and file names show them. */
export function pointLabel(point: SweepPoint): string {
  return Object.entries(point)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
}

function readSweep(r: FieldReader, file: string, value: unknown): Sweep {
  const obj = r.object(value, 'sweep', SWEEP_KEYS);
  const sweep: Sweep = {};
  let points = 1;
  for (const key of SWEEP_KEYS) {
    const list = obj[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0 || list.length > 16) {
      throw errors.invalidField(file, `sweep.${key}`, list, 'a list of 1 to 16 values');
    }
    const seen = new Set(list.map((v) => JSON.stringify(v)));
    if (seen.size !== list.length) throw errors.invalidField(file, `sweep.${key}`, list, 'a list without repeated values');
    sweep[key] = list as SweepValue[];
    points *= list.length;
  }
  if (Object.keys(sweep).length === 0) throw errors.invalidField(file, 'sweep', value, `an object with at least one of ${SWEEP_KEYS.join(', ')}`);
  if (points > MAX_SWEEP_POINTS) {
    throw errors.invalidField(file, 'sweep', `${points} grid points`, `at most ${MAX_SWEEP_POINTS} grid points (the product of the list lengths)`);
  }
  return sweep;
}

/** Every combination of the sweep's values, the first key varying slowest. */
export function expandGrid(sweep: Sweep): Array<Partial<Record<SweepKey, SweepValue>>> {
  let grid: Array<Partial<Record<SweepKey, SweepValue>>> = [{}];
  for (const key of SWEEP_KEYS) {
    const values = sweep[key];
    if (!values) continue;
    grid = grid.flatMap((point) => values.map((value) => ({ ...point, [key]: value })));
  }
  return grid;
}

function withPoint(base: Obj, values: Partial<Record<SweepKey, SweepValue>>): Obj {
  const raw: Obj = { ...base };
  for (const [key, value] of Object.entries(values)) {
    if (key === 'workload.transfer') raw.workload = { ...(isObject(raw.workload) ? raw.workload : {}), transfer: value };
    else raw[key] = value;
  }
  return raw;
}

/** The point's values as written, for naming it in an error before they are known to be valid. */
function rawLabel(values: Partial<Record<SweepKey, SweepValue>>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}=${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`)
    .join(' ');
}

/** The point's values, labelled from the validated scenario (a producer by its style). */
function labelOf(values: Partial<Record<SweepKey, SweepValue>>, scenario: Scenario): SweepPoint {
  const point: SweepPoint = {};
  for (const [key, value] of Object.entries(values) as Array<[SweepKey, SweepValue]>) {
    point[key] = key === 'producer' ? producerLabel(scenario.producer) : (value as number | boolean);
  }
  return point;
}

/**
 * Checks parsed JSON against the scenario schema; `file` names the source in every error. Relative module paths
 * are resolved against `context.dir` (the scenario file's folder; default the working directory).
 */
export function validateScenario(value: unknown, file: string, context: ScenarioContext = { dir: process.cwd() }): ValidatedScenario {
  const r = new FieldReader(file);
  const top = r.object(value, '', TOP_FIELDS);
  if (top.sweep === undefined) return validateOne(top, file, context);
  const sweep = readSweep(r, file, top.sweep);
  const { sweep: _sweep, ...base } = top;
  const validated = validateOne(base, file, context);
  const notes = [...validated.notes];
  // Each point is checked as a whole scenario, so a value that breaks a rule (say, a window no larger than a
  // swept concurrency) is reported with the point it breaks at.
  const points = expandGrid(sweep).map((values) => {
    const one = validateOne(withPoint(base, values), `${file} (sweep point ${rawLabel(values)})`, context);
    notes.push(...one.notes);
    return { ...one.scenario, point: labelOf(values, one.scenario) };
  });
  return { scenario: { ...validated.scenario, sweep }, notes: [...new Set(notes)], points };
}

function validateOne(top: Obj, file: string, context: ScenarioContext): ValidatedScenario {
  const r = new FieldReader(file);
  if (top.schemaVersion !== SCENARIO_SCHEMA_VERSION) {
    throw errors.unsupportedSchema(file, top.schemaVersion, SCENARIO_SCHEMA_VERSION);
  }
  const id = r.text(top.id, 'id', ID_PATTERN, 'lowercase letters, digits and dashes (at most 64), starting with a letter or digit');
  const description = r.text(top.description, 'description');
  const workload = readWorkload(r, file, top.workload, context);
  const tasks = r.integer(top.tasks, 'tasks', 1, ID_SPACE);
  const concurrency = r.integer(top.concurrency, 'concurrency', 1);
  const threads = readThreads(file, top.threads);
  const producer = readProducer(r, file, top.producer, concurrency);
  const warmupObj = r.object(top.warmup, 'warmup', ['passes', 'tasks']);
  const warmup = {
    passes: r.integer(warmupObj.passes, 'warmup.passes', 0),
    tasks: r.integer(warmupObj.tasks, 'warmup.tasks', 0, ID_SPACE),
  };
  const runs = r.integer(top.runs, 'runs', 1);
  const timeLimitSeconds = r.positiveNumber(top.timeLimitSeconds, 'timeLimitSeconds', Math.floor(MAX_TIMER_MS / 1000));
  const errorTolerance = top.errorTolerance === undefined ? undefined : readFraction(file, top.errorTolerance);
  const gateThresholds = top.gateThresholds === undefined ? undefined : readGateThresholds(r, file, top.gateThresholds);
  const retries = top.retries === undefined ? undefined : r.integer(top.retries, 'retries', 0, 100);
  let settle: Scenario['settle'];
  if (top.settle !== undefined) {
    const o = r.object(top.settle, 'settle', ['precision', 'maxRuns', 'rowBudgetSeconds', 'budgetSeconds', 'slowRows']);
    if (typeof o.precision !== 'number' || !(o.precision > 0 && o.precision < 1)) {
      throw errors.invalidField(file, 'settle.precision', o.precision, 'a fraction > 0 and < 1 (0.05 = each median to ±5 %)');
    }
    settle = {
      precision: o.precision,
      maxRuns: r.integer(o.maxRuns, 'settle.maxRuns', runs, 1000),
      rowBudgetSeconds: readRowBudget(file, o.rowBudgetSeconds),
      ...(o.budgetSeconds === undefined ? {} : { budgetSeconds: readBudget(file, o.budgetSeconds) }),
      ...(o.slowRows === undefined ? {} : { slowRows: readSlowRows(r, file, o.slowRows, tasks) }),
    };
  }
  let dynamicThreads: Scenario['dynamicThreads'];
  if (top.dynamicThreads !== undefined) {
    if (threads === 1) {
      throw errors.invalidField(file, 'dynamicThreads', top.dynamicThreads, 'absent when threads is 1 (one thread has nothing to shrink to)');
    }
    const d = r.object(top.dynamicThreads, 'dynamicThreads', ['min', 'idleTimeoutMs']);
    const maxMin = threads === 'auto' ? 1024 : threads - 1;
    dynamicThreads = {
      // Below threads, or nothing is dynamic; at least 1 so a burst never waits for the very first thread.
      min: r.integer(d.min, 'dynamicThreads.min', 1, Math.max(1, maxMin)),
      idleTimeoutMs: r.integer(d.idleTimeoutMs, 'dynamicThreads.idleTimeoutMs', 0, 3_600_000),
    };
  }

  const notes: string[] = [];
  if (concurrency > tasks) {
    notes.push(`${file}: concurrency ${concurrency} is above tasks ${tasks}; at most ${tasks} tasks can ever be in flight`);
  }
  const scenario: Scenario = {
    schemaVersion: 1, id, description, workload, tasks, concurrency, threads, producer, warmup, runs, timeLimitSeconds,
    ...(errorTolerance === undefined ? {} : { errorTolerance }),
    ...(gateThresholds === undefined ? {} : { gateThresholds }),
    ...(settle === undefined ? {} : { settle }),
    ...(retries === undefined ? {} : { retries }),
    ...(dynamicThreads === undefined ? {} : { dynamicThreads }),
  };
  return { scenario, notes };
}
