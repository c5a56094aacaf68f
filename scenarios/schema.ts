// Scenarios are data: one JSON file per scenario, checked field by field on load.
import { ID_SPACE, type Workload } from './workloads/task.js';
import { errors } from '../scripts/errors.js';

export const SCENARIO_SCHEMA_VERSION = 1;

export type Producer = { style: 'upfront' } | { style: 'window'; outstanding: number };

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
}

export interface ValidatedScenario {
  scenario: Scenario;
  /** Allowed but noteworthy settings, stated to the user. */
  notes: string[];
}

const TOP_FIELDS = [
  'schemaVersion', 'id', 'description', 'workload', 'tasks', 'concurrency', 'threads', 'producer', 'warmup', 'runs',
  'timeLimitSeconds', 'errorTolerance', 'gateThresholds',
] as const;

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

  positiveNumber(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw errors.invalidField(this.file, path, value, 'a number > 0');
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

function readWorkload(r: FieldReader, file: string, value: unknown): Workload {
  const kinds = ['sleep', 'cpu', 'noop'];
  if (!isObject(value)) throw errors.invalidField(file, 'workload', value, `an object with kind ${kinds.join(' | ')}`);
  switch (value.kind) {
    case 'sleep': {
      const w = r.object(value, 'workload', ['kind', 'ms']);
      return { kind: 'sleep', ms: r.positiveNumber(w.ms, 'workload.ms') };
    }
    case 'cpu': {
      const w = r.object(value, 'workload', ['kind', 'iterations']);
      return { kind: 'cpu', iterations: r.integer(w.iterations, 'workload.iterations', 1) };
    }
    case 'noop':
      r.object(value, 'workload', ['kind']);
      return { kind: 'noop' };
    default:
      throw errors.invalidField(file, 'workload.kind', value.kind, kinds.map((k) => JSON.stringify(k)).join(' | '));
  }
}

function readProducer(r: FieldReader, file: string, value: unknown, concurrency: number): Producer {
  const styles = ['upfront', 'window'];
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

function readThreads(file: string, value: unknown): number | 'auto' {
  if (value === 'auto') return 'auto';
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 1024) return value;
  throw errors.invalidField(file, 'threads', value, '"auto" or an integer from 1 to 1024');
}

/** Checks parsed JSON against the scenario schema; `file` names the source in every error. */
export function validateScenario(value: unknown, file: string): ValidatedScenario {
  const r = new FieldReader(file);
  const top = r.object(value, '', TOP_FIELDS);
  if (top.schemaVersion !== SCENARIO_SCHEMA_VERSION) {
    throw errors.unsupportedSchema(file, top.schemaVersion, SCENARIO_SCHEMA_VERSION);
  }
  const id = r.text(top.id, 'id', ID_PATTERN, 'lowercase letters, digits and dashes (at most 64), starting with a letter or digit');
  const description = r.text(top.description, 'description');
  const workload = readWorkload(r, file, top.workload);
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
  const timeLimitSeconds = r.positiveNumber(top.timeLimitSeconds, 'timeLimitSeconds');
  const errorTolerance = top.errorTolerance === undefined ? undefined : readFraction(file, top.errorTolerance);
  const gateThresholds = top.gateThresholds === undefined ? undefined : readGateThresholds(r, file, top.gateThresholds);

  const notes: string[] = [];
  if (concurrency > tasks) {
    notes.push(`${file}: concurrency ${concurrency} is above tasks ${tasks}; at most ${tasks} tasks can ever be in flight`);
  }
  const scenario: Scenario = {
    schemaVersion: 1, id, description, workload, tasks, concurrency, threads, producer, warmup, runs, timeLimitSeconds,
    ...(errorTolerance === undefined ? {} : { errorTolerance }),
    ...(gateThresholds === undefined ? {} : { gateThresholds }),
  };
  return { scenario, notes };
}
