// noop: every task resolves at once. Nothing but the pool's own cost is measured.
import type { WorkloadKind } from './kind.js';
import { encodeResult, runningTasks, startRecorder } from './runtime.js';

export interface NoopWorkload {
  kind: 'noop';
}

export const noop: WorkloadKind<NoopWorkload> = {
  kind: 'noop',
  fields: {},
  createTask(_workload, probe) {
    const recordStart = startRecorder(probe);
    return async (input) => {
      const id = input as number;
      recordStart(id);
      return encodeResult(id, 1 + runningTasks());
    };
  },
};
