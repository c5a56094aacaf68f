// Bring your own pool: an adapter module from outside the registry (--impl ./my-adapter.js). Its default export
// describes the implementation as registry entries do and sets it up (impls/template/my-adapter.js documents the
// shape). It is checked field by field here, in the parent when selected and again in the measured child, which
// imports the file itself.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compiledFile } from '../core/paths.js';
import { describeValue, InputError } from '../core/errors.js';
import { prepareTask } from '../scenarios/workloads/task.js';
import { taskSpecFor } from './mapping.js';
import type { AdapterKind, AdapterSession, AdapterSource, Capabilities, PoolAdapter, RunPlan, Variant } from './types.js';

/** What an external adapter's setup receives besides the plan: how to build the harness's task, in-thread or in a worker. */
export interface ExternalHarness {
  /** The named setting to apply; absent for the plain row (external adapters declare none yet). */
  variant?: Variant;
  /** The task spec (workload plus the harness's shared memory): pass it to prepareTask, or to workers as workerData. */
  task: ReturnType<typeof taskSpecFor>;
  /** Builds the task in this thread (the user's module workload included): `const task = await harness.prepareTask(harness.task)`. */
  prepareTask: typeof prepareTask;
  /** file: URL of the harness's task module, for worker files: `const { prepareTask } = await import(taskModule)`. */
  taskModule: string;
}

/** The default export an external adapter module provides. */
export interface ExternalAdapter {
  name: string;
  kind: AdapterKind;
  summary: string;
  packageName?: string;
  capabilities: Capabilities;
  setup(plan: RunPlan, harness: ExternalHarness): Promise<AdapterSession>;
}

const FIELDS = ['name', 'kind', 'summary', 'packageName', 'capabilities', 'setup'] as const;
const KINDS: readonly AdapterKind[] = ['in-thread', 'worker-threads', 'reference', 'distributed'];
const CAPABILITY_RULES: Record<keyof Capabilities, { values?: readonly string[]; can?: boolean; nullable?: boolean }> = {
  runsOn: { values: ['main-thread', 'worker-threads', 'processes'] },
  concurrency: { values: ['limit', 'unbounded', 'workers × tasks per worker', 'one task per thread'] },
  dynamicThreads: { can: true, nullable: true },
  taskMessages: { can: true },
  sharedMemory: { can: true },
  retry: { can: true },
};
const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function fieldError(file: string, field: string, value: unknown, allowed: string): InputError {
  return new InputError(`${file}: adapter ${field} is ${describeValue(value)}; allowed: ${allowed}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks an external module's default export against the adapter contract; every error names the file and the field. */
export function validateExternalAdapter(value: unknown, file: string, reserved: readonly string[] = []): ExternalAdapter {
  if (!isObject(value)) {
    throw fieldError(file, 'default export', value, `an object with ${FIELDS.join(', ')} (see impls/template/my-adapter.js)`);
  }
  for (const key of Object.keys(value)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw new InputError(`${file}: adapter field ${key} is not a known field; allowed fields: ${FIELDS.join(', ')}`);
  }
  const { name, kind, summary, packageName, capabilities, setup } = value;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw fieldError(file, 'name', name, 'lowercase letters, digits, ".", "_" and "-" (at most 64), starting with a letter or digit');
  }
  if (reserved.includes(name)) throw fieldError(file, 'name', name, `a name no registry implementation has (taken: ${reserved.join(', ')})`);
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) throw fieldError(file, 'kind', kind, KINDS.join(' | '));
  if (typeof summary !== 'string' || summary.trim() === '') throw fieldError(file, 'summary', summary, 'one line on what the implementation is');
  if (packageName !== undefined && (typeof packageName !== 'string' || packageName.trim() === '')) {
    throw fieldError(file, 'packageName', packageName, 'absent, or the npm package the adapter wraps');
  }
  if (!isObject(capabilities)) throw fieldError(file, 'capabilities', capabilities, `an object with ${Object.keys(CAPABILITY_RULES).join(', ')}`);
  for (const [field, rule] of Object.entries(CAPABILITY_RULES)) {
    const got = capabilities[field];
    const path = `capabilities.${field}`;
    if (rule.values) {
      if (typeof got !== 'string' || !rule.values.includes(got)) throw fieldError(file, path, got, rule.values.map((v) => JSON.stringify(v)).join(' | '));
      continue;
    }
    const ok = got === true || (typeof got === 'string' && got.trim() !== '') || (rule.nullable === true && got === null);
    if (!ok) throw fieldError(file, path, got, `true, or the reason it cannot (a non-empty string)${rule.nullable ? ', or null when it starts no threads' : ''}`);
  }
  for (const key of Object.keys(capabilities)) {
    if (!(key in CAPABILITY_RULES)) throw new InputError(`${file}: adapter field capabilities.${key} is not a known field; allowed fields: ${Object.keys(CAPABILITY_RULES).join(', ')}`);
  }
  if (typeof setup !== 'function') throw fieldError(file, 'setup', setup, 'an async function setup(plan, harness) returning { applied, submit, teardown }');
  return value as unknown as ExternalAdapter;
}

/** The nearest package.json at or above the module's folder: its name and version, where it has them. */
export function adapterSource(file: string): AdapterSource {
  const path = resolve(file);
  let dir = dirname(path);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const json = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown; version?: unknown };
        return {
          path,
          packageName: typeof json.name === 'string' ? json.name : null,
          version: typeof json.version === 'string' ? json.version : null,
        };
      } catch {
        return { path, packageName: null, version: null };
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return { path, packageName: null, version: null };
    dir = parent;
  }
}

/** Imports and checks an external adapter module; the result runs like any registry implementation. */
export async function loadExternalAdapter(file: string, reserved: readonly string[] = []): Promise<PoolAdapter> {
  const path = resolve(file);
  if (!existsSync(path)) throw new InputError(`--impl ${JSON.stringify(file)}: no such file (${path}); allowed: a registry name, or a path to an adapter module`);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new InputError(`${path}: the adapter module threw while being imported (${error instanceof Error ? error.message : String(error)}); allowed: a module that imports without throwing`);
  }
  const adapter = validateExternalAdapter(namespace.default, path, reserved);
  const source = adapterSource(path);
  const taskModule = pathToFileURL(compiledFile('scenarios', 'workloads', 'task.js')).href;
  const { setup, packageName: _declared, ...info } = adapter;
  return {
    ...info,
    // The runner reads versions from this checkout's node_modules: an external package's version is its source's.
    source,
    async setup(plan, variant) {
      return setup.call(adapter, plan, { ...(variant ? { variant } : {}), task: taskSpecFor(plan), prepareTask, taskModule });
    },
  };
}
