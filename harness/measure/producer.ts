// The one producer that drives every implementation, and the ledger that checks each task completed exactly once.
import type { Producer } from '../../scenarios/schema.js';
import { ID_SPACE, type TaskMessage } from '../../scenarios/workloads/task.js';
import type { AdapterSession } from '../../impls/types.js';
import type { LatencyRecorder } from './latency.js';
import type { Tally } from '../results/schema.js';

/** Optional instruments for one pass. */
export interface ProduceExtras {
  progress?: Progress;
  latency?: LatencyRecorder;
  /** Attempts per id, written by the flaky workload's tasks in whatever thread they run. */
  attempts?: Int32Array;
  /** Each task's message, for workloads that carry data per task; absent, a task's input is its id. */
  input?: (id: number) => TaskMessage;
}

const UNSETTLED = 0;
const SUCCEEDED = 1;
const FAILED = 2;

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Live counts, read by the child's heartbeat so a killed run can still say how far it got. */
export interface Progress {
  settled: number;
}

/**
 * Submits ids 0..tasks-1 to the session. 'upfront' submits all at once; 'window' keeps at most `outstanding`
 * submitted-but-unsettled; 'bursts' submits `size` at once every `everyMs`, whatever has settled.
 * Resolves once every id has settled (or as many completion calls as tasks arrived).
 */
export function produce(session: AdapterSession, tasks: number, producer: Producer, extras: ProduceExtras = {}): Promise<Tally> {
  const { progress, latency, attempts, input } = extras;
  const state = new Uint8Array(tasks);
  const limit = producer.style === 'window' ? producer.outstanding : tasks;
  // Ids below `released` may be submitted; bursts raise it on a timer, the other styles release everything.
  let released = producer.style === 'bursts' ? Math.min(tasks, producer.size) : tasks;
  let burstTimer: NodeJS.Timeout | undefined;
  const every = latency?.sampleEvery ?? 0;
  latency?.reset();
  attempts?.fill(0);
  let nextId = 0;
  let calls = 0;
  let completed = 0;
  let failed = 0;
  let duplicated = 0;
  let mismatched = 0;
  let peakRunning = 0;
  let firstError: string | undefined;
  let pumping = false;
  let started = 0;

  return new Promise<Tally>((resolve) => {
    const finish = (): void => {
      const wallMs = performance.now() - started;
      clearInterval(burstTimer);
      resolve({
        tasks, completed, failed, duplicated, mismatched, peakRunning, wallMs,
        lost: tasks - completed - failed,
        ...(firstError === undefined ? {} : { firstError }),
        ...(attempts ? countAttempts(attempts, state, tasks) : {}),
      });
    };
    // Submitting from inside a completion would recurse for pools that complete synchronously: pump in a loop.
    const pump = (): void => {
      if (pumping) return;
      pumping = true;
      while (nextId < released && nextId - calls < limit) {
        const id = nextId++;
        if (latency !== undefined && id % every === 0) latency.submitted(id);
        try {
          if (input === undefined) session.submit(id, done);
          else {
            const message = input(id);
            session.submit(id, done, message.input, message.transferList);
          }
        } catch (error) {
          done(id, error);
        }
      }
      pumping = false;
    };
    const done = (id: number, error: unknown, result?: number, startedAt?: number): void => {
      calls++;
      if (progress) progress.settled = calls;
      if (!(id >= 0 && id < tasks) || state[id] !== UNSETTLED) {
        duplicated++;
      } else {
        if (latency !== undefined && id % every === 0) latency.settled(id, startedAt);
        if (error !== null && error !== undefined) {
          state[id] = FAILED;
          failed++;
          firstError ??= describeError(error);
        } else {
          state[id] = SUCCEEDED;
          completed++;
          // decodeResult() inlined: this runs once per task for every implementation, so it allocates nothing.
          const value = result as number;
          if (value % ID_SPACE !== id) mismatched++;
          const runningAtStart = Math.floor(value / ID_SPACE);
          if (runningAtStart > peakRunning) peakRunning = runningAtStart;
        }
      }
      if (calls >= tasks) {
        if (calls === tasks) finish();
        return;
      }
      if (!pumping) pump();
    };
    started = performance.now();
    if (producer.style === 'bursts' && released < tasks) {
      burstTimer = setInterval(() => {
        released = Math.min(tasks, released + producer.size);
        if (released === tasks) clearInterval(burstTimer);
        pump();
      }, producer.everyMs);
    }
    pump();
  });
}

/** Splits the successes by attempts: first try versus after retries; failures are counted by the ledger. */
function countAttempts(attempts: Int32Array, state: Uint8Array, tasks: number): { firstTry: number; retried: number; attempts: number } {
  let firstTry = 0;
  let retried = 0;
  let total = 0;
  for (let id = 0; id < tasks; id++) {
    const n = attempts[id]!;
    total += n;
    // A success with no attempt at all (the task never ran) is neither: the accounting check reports it.
    if (state[id] === SUCCEEDED && n === 1) firstTry++;
    else if (state[id] === SUCCEEDED && n > 1) retried++;
  }
  return { firstTry, retried, attempts: total };
}
