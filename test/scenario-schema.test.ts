import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { projectRoot } from '../core/paths.js';
import { listScenarioIds, loadScenario, loadScenarioFile } from '../scenarios/load.js';
import { validateScenario } from '../scenarios/schema.js';
import { workloadKinds } from '../scenarios/workloads/index.js';
import type { FieldSpec } from '../scenarios/workloads/kind.js';
import { tempDir, validScenarioJson, writeScenarioFile } from './helpers.js';

function invalid(overrides: Record<string, unknown>): () => unknown {
  return () => validateScenario(validScenarioJson(overrides), 'tiny.json');
}

describe('shipped scenarios', () => {
  it('include million, million-upfront, cpu, overhead and smoke', () => {
    expect(listScenarioIds()).toEqual(expect.arrayContaining(['million', 'million-upfront', 'cpu', 'overhead', 'smoke']));
  });

  it.each(listScenarioIds())('%s validates', (id) => {
    expect(loadScenario(id).scenario.id).toBe(id);
  });

  it('million is 1,000,000 × sleep 10 ms at 10,000 with a window producer', () => {
    const { scenario } = loadScenario('million');
    expect(scenario).toMatchObject({ tasks: 1_000_000, concurrency: 10_000, workload: { kind: 'sleep', ms: 10 } });
    expect(scenario.producer.style).toBe('window');
    expect(loadScenario('million-upfront').scenario.producer.style).toBe('upfront');
  });

  it('million runs every row 6 times within a total budget and probes for slow rows, so the headline stays quick', () => {
    const { scenario } = loadScenario('million');
    expect(scenario.runs).toBe(6);
    expect(scenario.settle).toEqual({
      precision: 0.05, maxRuns: 30, rowBudgetSeconds: 60, budgetSeconds: 210, slowRows: { tasks: 50_000, aboveSeconds: 6 },
    });
  });
});

describe('scenario validation names the field, the value and what is allowed', () => {
  it('accepts the valid base', () => {
    expect(validateScenario(validScenarioJson(), 'tiny.json').scenario.tasks).toBe(200);
  });

  it('loads a shipped example of your own task by id, as the reproduce command of its results file names it', () => {
    const { scenario } = loadScenario('hash');
    expect(scenario.id).toBe('hash');
    expect(scenario.workload).toMatchObject({ kind: 'module', export: 'default' });
    expect(() => loadScenario('nope')).toThrow(/allowed: .*hash \(scenarios\/examples\)/);
  });

  it('rejects an unknown scenario id and lists the known ones', () => {
    expect(() => loadScenario('nope')).toThrow(/unknown scenario "nope"; allowed: .*million/);
  });

  it('rejects malformed JSON with the file name', () => {
    const file = writeScenarioFile(tempDir(), '{ "schemaVersion": 1, ');
    expect(() => loadScenarioFile(file)).toThrow(/tiny\.json: malformed JSON/);
  });

  it('rejects a missing field', () => {
    const json = validScenarioJson();
    delete json.tasks;
    expect(() => validateScenario(json, 'tiny.json')).toThrow('tiny.json: tasks is missing; allowed: an integer from 1 to 4294967296');
  });

  it('rejects a wrong type', () => {
    expect(invalid({ concurrency: '10' })).toThrow('tiny.json: concurrency is "10"; allowed: an integer ≥ 1');
  });

  it('rejects an unknown field and lists the allowed ones', () => {
    expect(invalid({ concurency: 10 })).toThrow(/tiny\.json: concurency is not a known field; allowed fields: schemaVersion, id/);
  });

  it('rejects an unknown nested field', () => {
    expect(invalid({ workload: { kind: 'sleep', ms: 1, jitter: 2 } })).toThrow(/workload\.jitter is not a known field/);
  });

  it.each([
    ['tasks', 0],
    ['tasks', -5],
    ['concurrency', 0],
    ['concurrency', -1],
    ['runs', 0],
    ['runs', -2],
  ])('rejects %s = %d', (field, value) => {
    expect(invalid({ [field]: value })).toThrow(`tiny.json: ${field} is ${value}; allowed: an integer`);
  });

  it('rejects a fractional task count', () => {
    expect(invalid({ tasks: 1.5 })).toThrow('tasks is 1.5');
  });

  it('rejects an unknown workload kind, listing the kinds', () => {
    expect(invalid({ workload: { kind: 'io' } })).toThrow('workload.kind is "io"; allowed: "sleep" | "cpu" | "noop"');
  });

  it('rejects a window no larger than the concurrency', () => {
    expect(invalid({ producer: { style: 'window', outstanding: 4 } })).toThrow(
      'producer.outstanding is 4; allowed: an integer > concurrency (4)',
    );
  });

  it('rejects an unsupported schemaVersion', () => {
    expect(invalid({ schemaVersion: 2 })).toThrow('tiny.json: schemaVersion is 2; allowed: 1');
  });

  it('rejects a non-positive time limit', () => {
    expect(invalid({ timeLimitSeconds: 0 })).toThrow('timeLimitSeconds is 0; allowed: a number > 0');
  });

  it('rejects threads that are neither "auto" nor a positive integer', () => {
    expect(invalid({ threads: 'many' })).toThrow('threads is "many"; allowed: "auto" or an integer from 1 to 1024');
  });

  it('rejects an errorTolerance outside 0…1', () => {
    expect(invalid({ errorTolerance: 5 })).toThrow(
      'tiny.json: errorTolerance is 5; allowed: a number from 0 to 1 (the fraction of tasks allowed to fail)',
    );
    expect(validateScenario(validScenarioJson({ errorTolerance: 0.05 }), 'tiny.json').scenario.errorTolerance).toBe(0.05);
  });

  it('rejects a gate threshold that is not a positive fraction, naming the metric', () => {
    expect(invalid({ gateThresholds: { wallMs: -0.1 } })).toThrow(
      'tiny.json: gateThresholds.wallMs is -0.1; allowed: a fraction > 0 and < 10 (0.1 = a 10 % change)',
    );
    expect(invalid({ gateThresholds: { cpu: 0.1 } })).toThrow(/gateThresholds\.cpu is not a known field; allowed fields: wallMs, heapPeakBytes/);
  });

  it('rejects dynamicThreads whose min is not below threads, or with one thread', () => {
    expect(invalid({ threads: 4, dynamicThreads: { min: 4, idleTimeoutMs: 50 } })).toThrow(
      'tiny.json: dynamicThreads.min is 4; allowed: an integer from 1 to 3',
    );
    expect(invalid({ threads: 1, dynamicThreads: { min: 1, idleTimeoutMs: 50 } })).toThrow(/dynamicThreads .*absent when threads is 1/);
    expect(invalid({ dynamicThreads: { min: 1, idleTimeoutMs: -1 } })).toThrow(/dynamicThreads\.idleTimeoutMs is -1/);
  });

  it('rejects new workload kinds with bad fields, naming them', () => {
    expect(invalid({ workload: { kind: 'payload', bytes: 1024, transfer: 'yes' } })).toThrow(
      'tiny.json: workload.transfer is "yes"; allowed: true (transfer the buffer) or false (copy it)',
    );
    expect(invalid({ workload: { kind: 'flaky', ms: 1, failEvery: 0, failAttempts: 1 } })).toThrow(/workload\.failEvery is 0; allowed: an integer ≥ 1/);
    expect(invalid({ producer: { style: 'bursts', size: 10, everyMs: 0 } })).toThrow(/producer\.everyMs is 0; allowed: a number > 0/);
    expect(invalid({ retries: 1.5 })).toThrow(/retries is 1\.5; allowed: an integer from 0 to 100/);
  });

  const settle = (extra: Record<string, unknown>) => ({ settle: { precision: 0.05, maxRuns: 4, rowBudgetSeconds: 30, ...extra } });

  it('reads settle.budgetSeconds and settle.slowRows, both optional', () => {
    expect(validateScenario(validScenarioJson(settle({})), 'tiny.json').scenario.settle).toEqual({ precision: 0.05, maxRuns: 4, rowBudgetSeconds: 30 });
    const full = settle({ budgetSeconds: 140, slowRows: { tasks: 199, aboveSeconds: 0.5 } });
    expect(validateScenario(validScenarioJson(full), 'tiny.json').scenario.settle).toEqual(full.settle);
  });

  it.each([0, -1, 86_401, '60', null])('rejects settle.budgetSeconds = %s', (value) => {
    expect(invalid(settle({ budgetSeconds: value }))).toThrow(
      `tiny.json: settle.budgetSeconds is ${JSON.stringify(value)}; allowed: seconds > 0 and ≤ 86400 (the child time all rows' runs may use together)`,
    );
  });

  it.each([0, 200, 201, 1.5, '100'])('rejects settle.slowRows.tasks = %s (the scenario has 200 tasks)', (value) => {
    expect(invalid(settle({ slowRows: { tasks: value, aboveSeconds: 5 } }))).toThrow(
      `tiny.json: settle.slowRows.tasks is ${JSON.stringify(value)}; allowed: an integer from 1 to 199`,
    );
  });

  it.each([0, -2, 86_401, '5', undefined])('rejects settle.slowRows.aboveSeconds = %s', (value) => {
    expect(invalid(settle({ slowRows: { tasks: 100, aboveSeconds: value } }))).toThrow(
      `tiny.json: settle.slowRows.aboveSeconds is ${value === undefined ? 'missing' : JSON.stringify(value)}; allowed: seconds > 0 and ≤ 86400 (the longest full run a row may take; slower rows stay at slowRows.tasks)`,
    );
  });

  it('rejects a settle.slowRows that is not an object of tasks and aboveSeconds, or that a one-task scenario cannot have', () => {
    expect(invalid(settle({ slowRows: 100 }))).toThrow('tiny.json: settle.slowRows is 100; allowed: an object with fields tasks, aboveSeconds');
    expect(invalid(settle({ slowRows: { tasks: 100, aboveSeconds: 5, below: 1 } }))).toThrow(
      'tiny.json: settle.slowRows.below is not a known field; allowed fields: tasks, aboveSeconds',
    );
    expect(invalid({ tasks: 1, producer: { style: 'upfront' }, ...settle({ slowRows: { tasks: 1, aboveSeconds: 5 } }) })).toThrow(
      'tiny.json: settle.slowRows is an object; allowed: absent when tasks is 1 (there is no smaller probe)',
    );
    expect(invalid(settle({ budget: 140 }))).toThrow(
      'tiny.json: settle.budget is not a known field; allowed fields: precision, maxRuns, rowBudgetSeconds, budgetSeconds, slowRows',
    );
  });

  it('checks slowRows.tasks against each sweep point\'s tasks', () => {
    expect(invalid({ sweep: { tasks: [500, 50] }, ...settle({ slowRows: { tasks: 100, aboveSeconds: 5 } }) })).toThrow(
      'tiny.json (sweep point tasks=50): settle.slowRows.tasks is 100; allowed: an integer from 1 to 49',
    );
  });

  it('allows concurrency above tasks but states it', () => {
    const { notes } = validateScenario(validScenarioJson({ tasks: 3, producer: { style: 'upfront' } }), 'tiny.json');
    expect(notes).toEqual(['tiny.json: concurrency 4 is above tasks 3; at most 3 tasks can ever be in flight']);
  });

  it('requires the id to match the file name', () => {
    const file = writeScenarioFile(tempDir(), validScenarioJson({ id: 'other' }));
    expect(() => loadScenarioFile(file)).toThrow(/id is "other"; allowed: "tiny" \(the file's name\)/);
  });
});

describe('workload fields come from each kind\'s declaration', () => {
  /** The smallest value a field's rule accepts (a real module file for a module path: it must exist). */
  const lowest = (spec: FieldSpec): unknown => {
    switch (spec.type) {
      case 'integer':
        return spec.min;
      case 'boolean':
        return true;
      case 'module-path':
        return join(projectRoot, 'scenarios', 'examples', 'hash-task.js');
      case 'export-name':
        return spec.default;
      case 'module-input':
        return 1;
      default:
        return 1;
    }
  };
  /** Optional fields have a default, so leaving them out is no error. */
  const required = (spec: FieldSpec): boolean => spec.type !== 'export-name' && spec.type !== 'module-input';
  const example = (kind: (typeof workloadKinds)[number]) => ({
    kind: kind.kind,
    ...Object.fromEntries(Object.entries(kind.fields as Record<string, FieldSpec>).map(([name, spec]) => [name, lowest(spec)])),
  });

  it.each(workloadKinds.map((k) => [k.kind, k] as const))('%s reads back exactly its declared fields', (_name, kind) => {
    const workload = example(kind);
    expect(validateScenario(validScenarioJson({ workload }), 'tiny.json').scenario.workload).toEqual(workload);
    expect(invalid({ workload: { ...workload, extra: 1 } })).toThrow(
      `tiny.json: workload.extra is not a known field; allowed fields: ${['kind', ...Object.keys(kind.fields)].join(', ')}`,
    );
    for (const [field, spec] of Object.entries(kind.fields as Record<string, FieldSpec>)) {
      if (!required(spec)) continue;
      const { [field]: _dropped, ...missing } = workload as Record<string, unknown>;
      expect(invalid({ workload: missing })).toThrow(`tiny.json: workload.${field} is missing; allowed: `);
    }
  });

  it('rejects an integer field below its declared minimum, naming the range', () => {
    expect(invalid({ workload: { kind: 'payload', bytes: 3, transfer: false } })).toThrow(
      'tiny.json: workload.bytes is 3; allowed: an integer from 4 to 268435456',
    );
  });
});
