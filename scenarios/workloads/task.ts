// The one task module every implementation runs: in-thread adapters import it directly and every worker
// file imports the same compiled module, so all pools execute identical work. Each workload kind's task lives in
// its own file (sleep.ts, cpu.ts, …, listed in index.ts); this module builds the one a spec names.
import { workloadKind, type Workload } from './index.js';
import type { Task, TaskProbe } from './runtime.js';

export {
  createProbe, decodeResult, encodeResult, ID_SPACE, spin,
  type Task, type TaskInput, type TaskMessage, type TaskProbe,
} from './runtime.js';
export { createPayload, type PayloadMessage } from './payload.js';
export { flakyAttemptFails, InjectedTaskError } from './flaky.js';
export type { Workload } from './index.js';

/** Everything a task needs, in the main thread or a worker: built once per run by the harness. */
export interface TaskSpec {
  workload: Workload;
  probe?: TaskProbe;
}

export function createTask(spec: TaskSpec): Task {
  return workloadKind(spec.workload).createTask(spec.workload, spec.probe);
}
