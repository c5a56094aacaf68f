// What every workload's tasks share, in the main thread or a worker: result encoding, the harness's probe, the
// per-thread running count and the CPU loop. Each workload kind (sleep.ts, cpu.ts, …) builds its task from these.

/** What a task receives: its id, or for workloads that carry data per task, a message that names its id. */
export type TaskInput = number | { id: number };

/** A task takes its input and resolves with an encoded result: the id plus how many tasks were running when it started. */
export type Task = (input: TaskInput) => Promise<number>;

/** One task's input for workloads that carry data, and the buffers to move to the thread instead of copying them. */
export interface TaskMessage {
  input: TaskInput;
  transferList: ArrayBuffer[] | undefined;
}

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

// Module state is per thread: in-thread this counts every running task, inside a worker it counts that worker's.
let running = 0;
// Written by the CPU-bound tasks so the optimiser cannot drop the loop.
let cpuSink = 0;

/** Counts a task as running; returns the count including it. */
export function taskStarted(): number {
  return ++running;
}

export function taskEnded(): void {
  running--;
}

/** Tasks running in this thread right now. */
export function runningTasks(): number {
  return running;
}

/** Timer callback ending a sleeping task: module-level with arguments, so no closure is made per task. */
export function finishSleep(resolve: (value: number) => void, value: number): void {
  running--;
  resolve(value);
}

/** Timer callback failing a sleeping task. */
export function failSleep(reject: (error: Error) => void, error: Error): void {
  running--;
  reject(error);
}

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

/** Spins `iterations` steps where the optimiser cannot drop them. */
export function burn(iterations: number, seed: number): void {
  cpuSink ^= spin(iterations, seed);
}

/** Writes a task's start time into the probe; a no-op without one. */
export function startRecorder(probe: TaskProbe | undefined): (id: number) => void {
  if (!probe) return () => {};
  const starts = new Float64Array(probe.starts);
  const every = probe.sampleEvery;
  // Shifts this thread's clock onto the producer's: both origins are wall-clock stamps of their thread's start.
  const shift = performance.timeOrigin - probe.originMs;
  return (id) => {
    if (id % every === 0) starts[id / every] = performance.now() + shift;
  };
}
