import { describe, expect, it } from 'vitest';
import type { AdapterSession, Done } from '../impls/types.js';
import { produce } from '../harness/measure/producer.js';
import { encodeResult, type TaskMessage } from '../scenarios/workloads/task.js';

/** A session that completes tasks after a macrotask, recording how many were outstanding at most. */
function deferredSession(complete: (id: number, done: Done) => void = (id, done) => done(id, null, encodeResult(id, 1))) {
  let outstanding = 0;
  let maxOutstanding = 0;
  let submitted = 0;
  const session: AdapterSession = {
    applied: { concurrency: 1, threads: 0, options: {} },
    submit(id, done) {
      submitted++;
      outstanding++;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
      setImmediate(() => {
        outstanding--;
        complete(id, done);
      });
    },
    async teardown() {},
  };
  return { session, stats: () => ({ maxOutstanding, submitted }) };
}

describe('produce', () => {
  it('counts every task exactly once when the pool behaves', async () => {
    const { session } = deferredSession();
    const tally = await produce(session, 1000, { style: 'window', outstanding: 10 });
    expect(tally).toMatchObject({ tasks: 1000, completed: 1000, failed: 0, lost: 0, duplicated: 0, mismatched: 0 });
  });

  it('keeps at most `outstanding` tasks submitted under the window producer', async () => {
    const { session, stats } = deferredSession();
    await produce(session, 500, { style: 'window', outstanding: 7 });
    expect(stats().maxOutstanding).toBe(7);
  });

  it('submits everything before any completion under the upfront producer', async () => {
    const { session, stats } = deferredSession();
    await produce(session, 500, { style: 'upfront' });
    expect(stats().maxOutstanding).toBe(500);
  });

  it('records failures with the first error message', async () => {
    const { session } = deferredSession((id, done) =>
      id % 10 === 3 ? done(id, new TypeError(`boom ${id}`)) : done(id, null, encodeResult(id, 1)),
    );
    const tally = await produce(session, 100, { style: 'window', outstanding: 5 });
    expect(tally).toMatchObject({ completed: 90, failed: 10, lost: 0, firstError: 'TypeError: boom 3' });
  });

  it('detects a duplicated completion and the task it cost', async () => {
    const { session } = deferredSession((id, done) => (id === 6 ? done(5, null, encodeResult(5, 1)) : done(id, null, encodeResult(id, 1))));
    const tally = await produce(session, 20, { style: 'window', outstanding: 3 });
    expect(tally).toMatchObject({ completed: 19, duplicated: 1, lost: 1 });
  });

  it('detects a result delivered to the wrong task', async () => {
    const { session } = deferredSession((id, done) => done(id, null, encodeResult(id === 4 ? 9 : id, 1)));
    const tally = await produce(session, 20, { style: 'upfront' });
    expect(tally.mismatched).toBe(1);
  });

  it('tracks the peak running count the tasks report', async () => {
    const { session } = deferredSession((id, done) => done(id, null, encodeResult(id, id % 13)));
    const tally = await produce(session, 100, { style: 'upfront' });
    expect(tally.peakRunning).toBe(12);
  });

  it('does not recurse when a pool completes synchronously inside submit', async () => {
    const session: AdapterSession = {
      applied: { concurrency: 1, threads: 0, options: {} },
      submit: (id, done) => done(id, null, encodeResult(id, 1)),
      async teardown() {},
    };
    const tally = await produce(session, 200_000, { style: 'window', outstanding: 2 });
    expect(tally.completed).toBe(200_000);
  });

  it('turns a throwing submit into a failure of that task', async () => {
    const session: AdapterSession = {
      applied: { concurrency: 1, threads: 0, options: {} },
      submit: (id, done) => {
        if (id === 2) throw new RangeError('queue full');
        done(id, null, encodeResult(id, 1));
      },
      async teardown() {},
    };
    const tally = await produce(session, 5, { style: 'upfront' });
    expect(tally).toMatchObject({ completed: 4, failed: 1, firstError: 'RangeError: queue full' });
  });
});

describe('produce with per-task messages', () => {
  /** A session that records what each submit received besides the id. */
  function recordingSession() {
    const received: Array<{ id: number; input: unknown; transferList: ArrayBuffer[] | undefined }> = [];
    const session: AdapterSession = {
      applied: { concurrency: 1, threads: 0, options: {} },
      submit(id, done, input, transferList) {
        received.push({ id, input, transferList });
        done(id, null, encodeResult(id, 1));
      },
      async teardown() {},
    };
    return { session, received };
  }

  it('hands each task the message the workload builds for it, with its transfer list', async () => {
    const { session, received } = recordingSession();
    const input = (id: number): TaskMessage => {
      const message = { id, data: new ArrayBuffer(8) };
      return { input: message, transferList: id % 2 === 0 ? [message.data] : undefined };
    };
    const tally = await produce(session, 6, { style: 'upfront' }, { input });
    expect(tally.completed).toBe(6);
    expect(received.map((r) => (r.input as { id: number }).id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(received.map((r) => r.transferList?.length ?? 0)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(received[0]!.transferList![0]).toBe((received[0]!.input as { data: ArrayBuffer }).data);
  });

  it('passes nothing but the id when the workload carries no data', async () => {
    const { session, received } = recordingSession();
    await produce(session, 3, { style: 'upfront' });
    expect(received).toEqual([0, 1, 2].map((id) => ({ id, input: undefined, transferList: undefined })));
  });
});
