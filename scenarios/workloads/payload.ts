// payload: each task carries a `bytes`-long ArrayBuffer to the thread that runs it, copied or transferred.
// No ideal: moving the buffer is the cost being measured, and no pool-free figure bounds it.
import type { WorkloadKind } from './kind.js';
import { encodeResult, ID_SPACE, runningTasks, startRecorder, type TaskMessage } from './runtime.js';

export interface PayloadWorkload {
  kind: 'payload';
  bytes: number;
  transfer: boolean;
}

export interface PayloadMessage {
  id: number;
  data: ArrayBuffer;
}

/** The buffer a payload task carries: its first 4 bytes hold the id, so the worker can tell it arrived intact. */
export function createPayload(id: number, bytes: number): PayloadMessage {
  const data = new ArrayBuffer(bytes);
  new Uint32Array(data, 0, 1)[0] = id;
  return { id, data };
}

export const payload: WorkloadKind<PayloadWorkload> = {
  kind: 'payload',
  fields: {
    // 4 bytes at least: the buffer's first word carries the task id so a worker can check what arrived.
    bytes: { type: 'integer', min: 4, max: 256 * 1024 * 1024 },
    transfer: { type: 'boolean', allowed: 'true (transfer the buffer) or false (copy it)' },
  },
  createTask(workload, probe) {
    const recordStart = startRecorder(probe);
    const { bytes } = workload;
    return async (input) => {
      const message = input as PayloadMessage;
      const id = message.id;
      recordStart(id);
      const startedWith = 1 + runningTasks();
      // A buffer that did not arrive whole (or another task's buffer) answers with a wrong id: a mismatch.
      const data = message.data;
      const intact = data instanceof ArrayBuffer && data.byteLength === bytes && new Uint32Array(data, 0, 1)[0] === id;
      return encodeResult(intact ? id : (id + 1) % ID_SPACE, startedWith);
    };
  },
  needsThreads: 'runs every task on the main thread: there is no thread boundary for the payload to cross',
  dataPerTask({ bytes, transfer }) {
    // Decided once per run, so the per-task function does no more than build the message.
    if (!transfer) return (id): TaskMessage => ({ input: createPayload(id, bytes), transferList: undefined });
    return (id): TaskMessage => {
      const message = createPayload(id, bytes);
      return { input: message, transferList: [message.data] };
    };
  },
};
