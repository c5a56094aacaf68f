import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scenario } from '../scenarios/schema.js';

export function tempDir(prefix = 'poolbench-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A valid scenario object (the shape of smoke.json), to be varied field by field. */
export function validScenarioJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 1,
    id: 'tiny',
    description: 'tiny test scenario',
    workload: { kind: 'sleep', ms: 1 },
    tasks: 200,
    concurrency: 4,
    threads: 2,
    producer: { style: 'window', outstanding: 16 },
    warmup: { passes: 1, tasks: 20 },
    runs: 1,
    timeLimitSeconds: 30,
    ...overrides,
  };
}

export function tinyScenario(overrides: Partial<Scenario> = {}): Scenario {
  return { ...(validScenarioJson() as unknown as Scenario), ...overrides };
}

export function writeScenarioFile(dir: string, json: unknown, id = 'tiny'): string {
  const file = join(dir, `${id}.json`);
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return file;
}

/**
 * Records every timer created while active; `live()` counts those neither fired nor cleared
 * (Node marks both with `_destroyed`). Precise where counting process-wide handles is not.
 */
export function trackTimers(): { live: () => number; created: () => number; stop: () => void } {
  const created: NodeJS.Timeout[] = [];
  const original = globalThis.setTimeout;
  const wrapped = ((...args: Parameters<typeof setTimeout>) => {
    const timer = original(...args);
    created.push(timer);
    return timer;
  }) as typeof setTimeout;
  globalThis.setTimeout = wrapped;
  return {
    live: () => created.filter((t) => !(t as unknown as { _destroyed: boolean })._destroyed).length,
    created: () => created.length,
    stop: () => {
      globalThis.setTimeout = original;
    },
  };
}

/** A task whose completion the test controls. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void; fail: (error: unknown) => void } {
  let open!: (value: T) => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}
