// The one task module every implementation runs: in-thread adapters import it directly and every worker
// file imports the same compiled module, so all pools execute identical work.

export type Workload =
  | { kind: 'sleep'; ms: number }
  | { kind: 'cpu'; iterations: number }
  | { kind: 'noop' };

/** A task takes its id and resolves with an encoded result: the id plus how many tasks were running when it started. */
export type Task = (id: number) => Promise<number>;

/** Ids live below 2^32; the running count is packed above them so results stay plain numbers (cheap to post). */
export const ID_SPACE = 2 ** 32;

export function encodeResult(id: number, runningAtStart: number): number {
  return runningAtStart * ID_SPACE + id;
}

export function decodeResult(result: number): { id: number; runningAtStart: number } {
  return { id: result % ID_SPACE, runningAtStart: Math.floor(result / ID_SPACE) };
}

// Module state is per thread: in-thread this counts every running task, inside a worker it counts that worker's.
let running = 0;
// Written by the cpu workload so the optimiser cannot drop the loop.
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

export function createTask(workload: Workload): Task {
  switch (workload.kind) {
    case 'sleep': {
      const ms = workload.ms;
      // Written for the least per-task garbage (every implementation pays it equally): a module-level timer
      // callback with arguments instead of a closure per task, and a minimal executor.
      return (id) => {
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
      return async (id) => {
        const startedWith = ++running;
        cpuSink ^= spin(iterations, id + 1);
        running--;
        return encodeResult(id, startedWith);
      };
    }
    case 'noop':
      return async (id) => encodeResult(id, 1 + running);
  }
}
