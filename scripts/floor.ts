// `node dist/scripts/floor.js [--tasks N] [--concurrency C] [--ms MS]`: the cost of the sleep task shape itself, with
// no pool and no harness: C lanes, each starting its next promise-returning sleep when the last resolves. Written the
// way the shared task is (setTimeout with arguments, minimal executor). No pool can beat it on this task shape.
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { tasks: { type: 'string', default: '1000000' }, concurrency: { type: 'string', default: '10000' }, ms: { type: 'string', default: '10' } },
});
const tasks = Number(values.tasks);
const concurrency = Number(values.concurrency);
const ms = Number(values.ms);

const finish = (resolve: (v: number) => void, value: number): void => resolve(value);
const sleepTask = (id: number): Promise<number> => {
  let resolve!: (v: number) => void;
  const promise = new Promise<number>((r) => {
    resolve = r;
  });
  setTimeout(finish, ms, resolve, id);
  return promise;
};

const started = performance.now();
let next = 0;
let done = 0;
await new Promise<void>((all) => {
  const onDone = (): void => {
    if (++done === tasks) all();
    else if (next < tasks) sleepTask(next++).then(onDone);
  };
  for (let i = 0; i < Math.min(concurrency, tasks); i++) sleepTask(next++).then(onDone);
});
const wall = performance.now() - started;
const ideal = Math.ceil(tasks / concurrency) * ms;
process.stdout.write(`no pool, ${concurrency} lanes of promise sleeps: ${tasks} tasks in ${(wall / 1000).toFixed(3)} s (ideal ${(ideal / 1000).toFixed(2)} s)\n`);
