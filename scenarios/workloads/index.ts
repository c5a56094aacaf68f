// The list of workload kinds. Adding one = one file next to this one + one line here; the Workload type, the
// scenario schema, the ideal, latency sampling and every pool's skip decisions follow from its declaration.
import { cpu } from './cpu.js';
import { flaky } from './flaky.js';
import type { WorkloadKind } from './kind.js';
import { mixed } from './mixed.js';
import { userModule } from './module.js';
import { noop } from './noop.js';
import { payload } from './payload.js';
import type { TaskMessage } from './runtime.js';
import { sleep } from './sleep.js';

export const workloadKinds = [
  sleep,
  cpu,
  noop,
  flaky,
  mixed,
  payload,
  userModule,
] as const;

type WorkloadOf<K> = K extends WorkloadKind<infer W> ? W : never;

/** A scenario's workload: one of the kinds above, with its fields. */
export type Workload = WorkloadOf<(typeof workloadKinds)[number]>;

export type WorkloadKindName = Workload['kind'];

/** The declaration of a workload's kind. */
export function workloadKind(workload: { kind: string }): WorkloadKind<Workload> {
  const found = workloadKinds.find((k) => k.kind === workload.kind) as WorkloadKind<Workload> | undefined;
  // Validated scenarios only hold listed kinds: a miss is a workload that skipped validation.
  if (!found) throw new TypeError(`unknown workload kind ${JSON.stringify(workload.kind)}; known: ${workloadKinds.map((k) => k.kind).join(', ')}`);
  return found;
}

/** Builds each task's message for workloads that carry data; undefined when tasks receive only their id. */
export function taskInputs(workload: Workload): ((id: number) => TaskMessage) | undefined {
  return workloadKind(workload).dataPerTask?.(workload);
}
