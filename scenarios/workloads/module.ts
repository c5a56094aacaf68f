// module: every task calls a function from the user's own module ("which pool for *my* task?"). The scenario names
// the file (relative to the scenario file, stored absolute), the export, and the input: a fixed JSON value, or a
// generator module whose function maps the task id to its input. The function may be sync or async; its result is
// dropped and the harness returns the task's encoded id, so exactly-once checks work for any task.
// Modules are imported by prepare(), once per thread (the main thread and each worker) before the first task.
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError, describeValue } from '../../core/errors.js';
import type { WorkloadKind } from './kind.js';
import { encodeResult, startRecorder, taskEnded, taskStarted } from './runtime.js';

/** A generator module: its export maps a task id to that task's input. */
export interface InputGenerator {
  generator: string;
  export: string;
}

export interface ModuleWorkload {
  kind: 'module';
  /** Absolute path of the task module (the scenario file gives it relative to its own folder). */
  path: string;
  /** The export to call; "default" unless the scenario names another. */
  export: string;
  /** A fixed JSON value every task receives, or a generator; absent, each task receives its id. */
  input?: unknown;
}

/** Whether a workload's input names a generator (an object whose only keys are generator and export). */
export function isInputGenerator(input: unknown): input is InputGenerator {
  return (
    typeof input === 'object' && input !== null && !Array.isArray(input) && typeof (input as InputGenerator).generator === 'string' &&
    Object.keys(input).every((key) => key === 'generator' || key === 'export')
  );
}

type UserFunction = (input: unknown) => unknown;

/** What a module was found to be when it could not be used, in words for the error. */
function problem(file: string, exportName: string, field: string, what: string, allowed: string): InputError {
  return new InputError(`workload.${field}: module ${file}, export ${JSON.stringify(exportName)}: ${what}; allowed: ${allowed}`);
}

/** Checks that a module file is there; used by the scenario reader (before any import) and by the loader. */
export function missingModuleFile(file: string): string | undefined {
  if (!existsSync(file)) return 'no such file';
  if (!statSync(file).isFile()) return 'not a file';
  return undefined;
}

/** Imports `file` and returns its export `exportName` as a function, or throws naming the module, the export and the fault. */
export async function importFunction(file: string, exportName: string, field: string): Promise<UserFunction> {
  const missing = missingModuleFile(file);
  if (missing) throw problem(file, exportName, field, missing, 'a path to a JavaScript module, relative to the scenario file');
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw problem(file, exportName, field, `threw while being imported (${message})`, 'a module that imports without throwing');
  }
  if (!(exportName in namespace)) {
    const exports = Object.keys(namespace).filter((key) => key !== '__esModule').sort();
    throw problem(file, exportName, field, 'no such export', `one of its exports: ${exports.join(', ') || '(it exports nothing)'}`);
  }
  const value = namespace[exportName];
  if (typeof value !== 'function') {
    throw problem(file, exportName, field, `is ${describeValue(value)}, not a function`, 'a function (sync or async) taking the task\'s input');
  }
  return value as UserFunction;
}

interface Loaded {
  fn: UserFunction;
  /** The input of task `id`. */
  inputOf: (id: number) => unknown;
}

// Per thread: each worker prepares its own copy, the main thread its own.
const loaded = new Map<string, Promise<Loaded>>();
const ready = new Map<string, Loaded>();

function keyOf(workload: ModuleWorkload): string {
  return JSON.stringify([workload.path, workload.export, workload.input]);
}

async function load(workload: ModuleWorkload): Promise<Loaded> {
  const fn = await importFunction(workload.path, workload.export, 'path');
  const input = workload.input;
  if (isInputGenerator(input)) {
    const generate = await importFunction(input.generator, input.export, 'input.generator');
    return { fn, inputOf: (id) => generate(id) };
  }
  // No input: the task id is the input, so a task can still tell tasks apart.
  if (input === undefined) return { fn, inputOf: (id) => id };
  return { fn, inputOf: () => input };
}

/** Imports the workload's modules in this thread (once); rejects with the module, the export and what went wrong. */
export async function prepareModule(workload: ModuleWorkload): Promise<Loaded> {
  const key = keyOf(workload);
  let pending = loaded.get(key);
  if (!pending) {
    pending = load(workload).then((done) => {
      ready.set(key, done);
      return done;
    });
    // A failed import is not cached: the next prepare reports it again (and sees a fixed file).
    pending.catch(() => loaded.delete(key));
    loaded.set(key, pending);
  }
  return pending;
}

function preparedModule(workload: ModuleWorkload): Loaded {
  const done = ready.get(keyOf(workload));
  if (!done) {
    throw new Error(`module workload ${workload.path} (export ${JSON.stringify(workload.export)}) was not prepared in this thread: await prepareTask() before createTask()`);
  }
  return done;
}

export const userModule: WorkloadKind<ModuleWorkload> = {
  kind: 'module',
  fields: {
    path: { type: 'module-path' },
    export: { type: 'export-name', default: 'default' },
    input: { type: 'module-input' },
  },
  async prepare(workload) {
    await prepareModule(workload);
  },
  createTask(workload, probe) {
    const { fn, inputOf } = preparedModule(workload);
    const recordStart = startRecorder(probe);
    return async (input) => {
      const id = input as number;
      recordStart(id);
      const startedWith = taskStarted();
      try {
        await fn(inputOf(id));
      } finally {
        taskEnded();
      }
      return encodeResult(id, startedWith);
    };
  },
  /**
   * tasks × (one task's time on one core, tinybench) / lanes. A sync function holds its thread, so the lanes are the
   * usable threads; an async one may wait rather than compute, so a perfect pool could overlap up to the concurrency.
   */
  async calibratedIdeal(workload, shape, calibrate) {
    const { fn, inputOf } = await prepareModule(workload);
    let id = 0;
    const nextInput = (): unknown => inputOf(id++ % shape.tasks);
    let asynchronous: boolean;
    let calibration: Awaited<ReturnType<typeof calibrate>>;
    try {
      // One trial call tells a function that returns a promise from one that returns a value.
      const trial = fn(nextInput());
      asynchronous = typeof (trial as PromiseLike<unknown> | undefined)?.then === 'function';
      if (asynchronous) await trial;
      calibration = asynchronous
        ? await calibrate(async () => {
            await fn(nextInput());
          })
        : await calibrate(() => {
            fn(nextInput());
          });
    } catch {
      // A task that fails on some input has no steady time per task: no ideal rather than no run (its runs say why).
      return null;
    }
    const { perTaskMs, samples, method } = calibration;
    const lanes = asynchronous ? shape.concurrency : Math.min(shape.threads, shape.concurrency);
    const how = asynchronous ? 'async function: waits may overlap up to the concurrency' : 'sync function: one task per thread at a time';
    return {
      ms: (shape.tasks * perTaskMs) / lanes,
      basis: `${shape.tasks} × ${perTaskMs.toFixed(3)} ms (${method} of one call of ${basename(workload.path)}#${workload.export}, ${samples} samples; ${how}) / ${lanes} lanes`,
    };
  },
};
