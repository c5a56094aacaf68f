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

/** Loads what the workload needs in this thread (a user's module); a no-op for the built-in kinds. */
export async function prepareWorkload(workload: Workload): Promise<void> {
  await workloadKind(workload).prepare?.(workload);
}

/** The task, after its workload is prepared in this thread: what every worker file builds its task with. */
export async function prepareTask(spec: TaskSpec): Promise<Task> {
  await prepareWorkload(spec.workload);
  return createTask(spec);
}
