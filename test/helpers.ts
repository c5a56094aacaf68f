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
