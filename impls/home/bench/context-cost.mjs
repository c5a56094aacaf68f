// What keeping the submitter's AsyncLocalStorage context costs the async engine's hot path (not a test).
//
// Times 1,000,000 tasks at concurrency 10,000 through run(), submitted all at once (so almost all wait in the queue):
//   (a) plain run(), in a process where no AsyncLocalStorage was ever used: the pool only probes, captures nothing;
//   (b) run() called inside an AsyncLocalStorage.run() store: every task captures its submitter's context.
// Both with two workloads: an async no-op (Promise.resolve()) and a 1 ms sleep. Each measurement runs in a fresh
// process, since a process that has used AsyncLocalStorage once keeps async hooks on; 5 repeats, the two modes
// alternating, medians reported. Uses the built package (impls/home/dist): build it first.
//
//   node impls/home/bench/context-cost.mjs            prints the report
//   node impls/home/bench/context-cost.mjs --child <mode> <workload>   one measurement, as JSON (used by the above)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TASKS = 1_000_000;
const CONCURRENCY = 10_000;
const REPEATS = 5;
const MODES = ['plain', 'in-store'];
const WORKLOADS = ['async no-op', 'sleep 1 ms'];

async function measure(mode, workload) {
  const { AsyncPool } = await import(new URL('../dist/index.js', import.meta.url).href);
  const task = workload === 'sleep 1 ms' ? () => new Promise((resolve) => setTimeout(resolve, 1)) : () => Promise.resolve();
  const pool = new AsyncPool({ concurrency: CONCURRENCY });
  let done = 0;
  let failed = 0;
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  const callback = (error) => {
    if (error !== undefined) failed++;
    if (++done === TASKS) finish();
  };
  const submitAll = () => {
    for (let i = 0; i < TASKS; i++) pool.run(task, i, callback);
  };
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  if (mode === 'in-store') {
    const { AsyncLocalStorage } = await import('node:async_hooks');
    new AsyncLocalStorage().run({ request: 'bench' }, submitAll);
  } else {
    submitAll();
  }
  const submittedMs = performance.now() - started;
  const heapQueuedMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  await finished;
  const totalMs = performance.now() - started;
  if (failed > 0) throw new Error(`${failed} tasks failed`);
  return { submittedMs, totalMs, heapQueuedMb };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await measure(process.argv[3], process.argv[4])));
} else {
  const self = fileURLToPath(import.meta.url);
  const runs = new Map();
  for (let r = 0; r < REPEATS; r++) {
    for (const workload of WORKLOADS) {
      // Alternate which mode goes first, so drift on a shared machine does not favour one.
      for (const mode of r % 2 === 0 ? MODES : [...MODES].reverse()) {
        const out = execFileSync(process.execPath, ['--expose-gc', self, '--child', mode, workload], { encoding: 'utf8' });
        const key = `${workload} | ${mode}`;
        if (!runs.has(key)) runs.set(key, []);
        runs.get(key).push(JSON.parse(out));
      }
    }
  }
  const lines = [
    `context-cost: ${TASKS.toLocaleString('en')} tasks, concurrency ${CONCURRENCY.toLocaleString('en')}, submitted all at once through run();`,
    `${REPEATS} repeats per cell, each in a fresh process, modes alternating; medians. Node ${process.version}, ${new Date().toISOString()}.`,
    `(a) plain: no AsyncLocalStorage in the process. (b) in-store: run() inside AsyncLocalStorage.run().`,
    '',
    `${'workload'.padEnd(12)} ${'mode'.padEnd(10)} ${'total ms'.padStart(9)} ${'submit ms'.padStart(10)} ${'heap MB queued'.padStart(15)}   all totals (ms)`,
  ];
  for (const workload of WORKLOADS) {
    for (const mode of MODES) {
      const cell = runs.get(`${workload} | ${mode}`);
      lines.push(
        `${workload.padEnd(12)} ${mode.padEnd(10)} ${median(cell.map((c) => c.totalMs)).toFixed(0).padStart(9)} ${median(cell.map((c) => c.submittedMs)).toFixed(0).padStart(10)} ${median(cell.map((c) => c.heapQueuedMb)).toFixed(1).padStart(15)}   ${cell.map((c) => c.totalMs.toFixed(0)).join(' ')}`,
      );
    }
  }
  console.log(lines.join('\n'));
}
