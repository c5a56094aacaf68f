// The one task module every implementation runs: in-thread adapters import it directly and every worker
// file imports the same compiled module, so all pools execute identical work.

export type Workload =
  | { kind: 'sleep'; ms: number }
  | { kind: 'cpu'; iterations: number }
  | { kind: 'noop' }
  /** Sleeps `ms`; one task in every `failEvery` fails its first `failAttempts` attempts, then succeeds. */
  | { kind: 'flaky'; ms: number; failEvery: number; failAttempts: number }
  /** Every `cpuEvery`-th task spins `iterations`; the rest sleep `ms`. */
  | { kind: 'mixed'; ms: number; iterations: number; cpuEvery: number }
  /** Each task carries a `bytes`-long ArrayBuffer to the thread that runs it, copied or transferred. */
  | { kind: 'payload'; bytes: number; transfer: boolean };

/** What a task receives: its id, or for the payload workload the id with its buffer. */
export type TaskInput = number | PayloadMessage;

export interface PayloadMessage {
  id: number;
  data: ArrayBuffer;
}

/** A task takes its input and resolves with an encoded result: the id plus how many tasks were running when it started. */
export type Task = (input: TaskInput) => Promise<number>;

/**
 * Memory shared by the producer and every thread that runs tasks, indexed by task id. Worker threads receive it
 * through workerData (a SharedArrayBuffer is shared, not copied), so a task running in any thread writes here.
 */
export interface TaskProbe {
  /** Start times are kept for ids divisible by this (latency is sampled, so recording stays cheap). */
  sampleEvery: number;
  /** Float64 per sampled id (index id / sampleEvery): when the task started, in ms on the producer's clock. */
  starts: SharedArrayBuffer;
  /** Int32 per id: attempts made so far (the flaky workload fails by attempt number). */
  attempts: SharedArrayBuffer;
  /** The producer thread's performance.timeOrigin: other threads shift their clock onto it. */
  originMs: number;
}

/** Everything a task needs, in the main thread or a worker: built once per run by the harness. */
export interface TaskSpec {
  workload: Workload;
  probe?: TaskProbe;
}

/** Ids live below 2^32; the running count is packed above them so results stay plain numbers (cheap to post). */
export const ID_SPACE = 2 ** 32;

export function encodeResult(id: number, runningAtStart: number): number {
  return runningAtStart * ID_SPACE + id;
}

export function decodeResult(result: number): { id: number; runningAtStart: number } {
  return { id: result % ID_SPACE, runningAtStart: Math.floor(result / ID_SPACE) };
}

/** A probe for ids below `tasks`; attempts are only allocated when the workload counts them. */
export function createProbe(tasks: number, sampleEvery: number, countAttempts: boolean): TaskProbe {
  return {
    sampleEvery,
    starts: new SharedArrayBuffer(Math.ceil(tasks / sampleEvery) * Float64Array.BYTES_PER_ELEMENT),
    attempts: new SharedArrayBuffer(countAttempts ? tasks * Int32Array.BYTES_PER_ELEMENT : 0),
    originMs: performance.timeOrigin,
  };
}

/** The error a flaky task throws on a failing attempt. */
export class InjectedTaskError extends Error {
  constructor(id: number, attempt: number) {
    super(`task ${id} failed on purpose (attempt ${attempt})`);
    this.name = 'InjectedTaskError';
  }
}

/** Whether the flaky workload's attempt number `attempt` (1-based) of task `id` fails. */
export function flakyAttemptFails(workload: { failEvery: number; failAttempts: number }, id: number, attempt: number): boolean {
  return id % workload.failEvery === workload.failEvery - 1 && attempt <= workload.failAttempts;
}

/** The buffer a payload task carries: its first 4 bytes hold the id, so the worker can tell it arrived intact. */
export function createPayload(id: number, bytes: number): PayloadMessage {
  const data = new ArrayBuffer(bytes);
  new Uint32Array(data, 0, 1)[0] = id;
  return { id, data };
}

// Module state is per thread: in-thread this counts every running task, inside a worker it counts that worker's.
let running = 0;
// Written by the cpu workloads so the optimiser cannot drop the loop.
let cpuSink = 0;

/** Deterministic integer work (xorshift32), about `iterations` steps. */
export function spin(iterations: number, seed: number): number {
  let x = (seed | 0) || 1;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x;
}

function finishSleep(resolve: (value: number) => void, value: number): void {
  running--;
  resolve(value);
}

function failSleep(reject: (error: Error) => void, error: Error): void {
  running--;
  reject(error);
}

/** Writes a task's start time into the probe; a no-op without one. */
function startRecorder(probe: TaskProbe | undefined): (id: number) => void {
  if (!probe) return () => {};
  const starts = new Float64Array(probe.starts);
  const every = probe.sampleEvery;
  // Shifts this thread's clock onto the producer's: both origins are wall-clock stamps of their thread's start.
  const shift = performance.timeOrigin - probe.originMs;
  return (id) => {
    if (id % every === 0) starts[id / every] = performance.now() + shift;
  };
}

export function createTask(spec: TaskSpec): Task {
  const { workload, probe } = spec;
  const recordStart = startRecorder(probe);
  switch (workload.kind) {
    case 'sleep': {
      const ms = workload.ms;
      // Written for the least per-task garbage (every implementation pays it equally): a module-level timer
      // callback with arguments instead of a closure per task, and a minimal executor.
      return (input) => {
        const id = input as number;
        recordStart(id);
        const value = encodeResult(id, ++running);
        let resolve!: (value: number) => void;
        const promise = new Promise<number>((r) => {
          resolve = r;
        });
        setTimeout(finishSleep, ms, resolve, value);
        return promise;
      };
    }
    case 'cpu': {
      const iterations = workload.iterations;
      return async (input) => {
        const id = input as number;
        recordStart(id);
        const startedWith = ++running;
        cpuSink ^= spin(iterations, id + 1);
        running--;
        return encodeResult(id, startedWith);
      };
    }
    case 'noop':
      return async (input) => {
        const id = input as number;
        recordStart(id);
        return encodeResult(id, 1 + running);
      };
    case 'flaky': {
      if (!probe) throw new TypeError('the flaky workload needs a task probe: it counts attempts per task id');
      const attempts = new Int32Array(probe.attempts);
      const { ms } = workload;
      return (input) => {
        const id = input as number;
        recordStart(id);
        // Atomic: a retried task may run its next attempt on another thread.
        const attempt = Atomics.add(attempts, id, 1) + 1;
        const value = encodeResult(id, ++running);
        return new Promise<number>((resolve, reject) => {
          if (flakyAttemptFails(workload, id, attempt)) setTimeout(failSleep, ms, reject, new InjectedTaskError(id, attempt));
          else setTimeout(finishSleep, ms, resolve, value);
        });
      };
    }
    case 'mixed': {
      const { ms, iterations, cpuEvery } = workload;
      return (input) => {
        const id = input as number;
        recordStart(id);
        if (id % cpuEvery === cpuEvery - 1) {
          const startedWith = ++running;
          cpuSink ^= spin(iterations, id + 1);
          running--;
          return Promise.resolve(encodeResult(id, startedWith));
        }
        const value = encodeResult(id, ++running);
        return new Promise<number>((resolve) => setTimeout(finishSleep, ms, resolve, value));
      };
    }
    case 'payload': {
      const { bytes } = workload;
      return async (input) => {
        const message = input as PayloadMessage;
        const id = message.id;
        recordStart(id);
        const startedWith = 1 + running;
        // A buffer that did not arrive whole (or another task's buffer) answers with a wrong id: a mismatch.
        const data = message.data;
        const intact = data instanceof ArrayBuffer && data.byteLength === bytes && new Uint32Array(data, 0, 1)[0] === id;
        return encodeResult(intact ? id : (id + 1) % ID_SPACE, startedWith);
      };
    }
  }
}
