// Bring your own pool: a template adapter for `pnpm bench --scenario <id> --impl ./my-adapter.js`.
// Copy this file next to your library, replace the limiter below with calls to your pool, and run it. Plain
// JavaScript, no import from poolbench: the harness hands setup() everything it needs.
//
// The module's default export describes the implementation (checked field by field before any run):
//   name          the row's name in tables: lowercase letters, digits, '.', '_' and '-'; not a registry name
//   kind          'in-thread' | 'worker-threads' | 'reference' | 'distributed'
//   summary       one line on what the row is
//   packageName   optional: the npm package you wrap (the results record the version of the package.json nearest
//                 to this file either way, with this file's path)
//   capabilities  what your pool can do; the harness skips scenarios it cannot run, with the reason:
//     runsOn          'main-thread' | 'worker-threads' | 'processes' (CPU-bound workloads skip main-thread pools)
//     concurrency     'limit' | 'unbounded' | 'workers × tasks per worker' | 'one task per thread'
//     dynamicThreads  true, a reason it cannot shrink when idle, or null when it starts no threads
//     taskMessages    true if tasks can receive a message of their own (the payload workload), else the reason
//     sharedMemory    true if tasks run where SharedArrayBuffers reach (the flaky workload), else the reason
//     retry           true if it retries failed tasks as the scenario's retries ask, else the reason
//   setup(plan, harness)  starts the pool; resolves with a session (below)
//
// setup receives:
//   plan.scenario        the scenario: plan.scenario.concurrency is the limit to apply, plan.threads the threads
//   harness.task         the task spec (the workload and the harness's shared memory)
//   harness.prepareTask  await harness.prepareTask(harness.task) -> task(input): Promise<number>, in this thread
//   harness.taskModule   file: URL of the harness's task module, for a worker file to build the same task in its
//                        thread: pass harness.task as workerData, then in the worker
//                        `const { prepareTask } = await import(taskModule); const task = await prepareTask(workerData)`
//
// The session it resolves with:
//   applied    what your pool really applied, checked against the plan: { concurrency, threads (0 = in-thread),
//              tasksPerWorker? (worker pools), options (the options object you handed your library) }
//   submit(id, done, input?, transferList?)
//              start task `id`: run task(input ?? id) in your pool and call done(id, error, result) exactly once,
//              with the task's own result (the harness checks every id completes once, with its own result)
//   teardown() leave no worker, timer or handle behind
//
// This template is a tiny in-thread limiter: at most `concurrency` tasks run at once, the rest wait in a FIFO.

/** @type {import('../external.js').ExternalAdapter} */
export default {
  name: 'my-limiter',
  kind: 'in-thread',
  summary: 'template adapter: a counter plus a FIFO of waiting ids, in this thread',
  capabilities: {
    runsOn: 'main-thread',
    concurrency: 'limit',
    dynamicThreads: null,
    taskMessages: 'calls each task in this thread with its id only',
    sharedMemory: true,
    retry: 'no retry option: a failed task stays failed',
  },
  async setup(plan, harness) {
    const task = await harness.prepareTask(harness.task);
    const limit = plan.scenario.concurrency;
    let active = 0;
    // FIFO with a moving head: Array.shift() is O(n) on long queues.
    let waiting = [];
    let head = 0;
    const start = (id, done) => {
      active++;
      task(id).then(
        (result) => finish(id, done, null, result),
        (error) => finish(id, done, error),
      );
    };
    const finish = (id, done, error, result) => {
      active--;
      if (head < waiting.length) {
        const next = waiting[head++];
        if (head === waiting.length) (waiting = []), (head = 0);
        start(next.id, next.done);
      }
      done(id, error, result);
    };
    return {
      applied: { concurrency: limit, threads: 0, options: { limit } },
      submit(id, done) {
        if (active < limit) start(id, done);
        else waiting.push({ id, done });
      },
      async teardown() {
        waiting = [];
        head = 0;
      },
    };
  },
};
