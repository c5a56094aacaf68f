// `pnpm bench`: the CLI. Parses flags, runs the benchmark through fresh child processes, writes the results file,
// prints the table. Progress goes to stderr; the table (or JSON) to stdout.
import { registry, implementationNames, isImplementationName } from '../impls/registry.js';
import { listScenarioIds, loadScenario } from '../scenarios/load.js';
import { parseBenchArgs, USAGE, type BenchArgs } from './args.js';
import { errors, InputError } from './errors.js';
import { render } from './format.js';
import { resultsDir as defaultResultsDir } from './paths.js';
import { writeResultsFile } from './results.js';
import { resolveThreads, runBench, type ProgressEvent } from './runner.js';

function listing(): string {
  const lines = ['Scenarios:'];
  for (const id of listScenarioIds()) {
    const { scenario } = loadScenario(id);
    const plan = { scenario, threads: resolveThreads(scenario) };
    const able = implementationNames.filter((n) => registry[n].canRun(plan) === true);
    lines.push(`  ${id.padEnd(16)} ${scenario.description}`);
    lines.push(`  ${''.padEnd(16)} runs on: ${able.join(', ')}`);
  }
  lines.push('', 'Implementations:');
  for (const name of implementationNames) {
    const adapter = registry[name];
    lines.push(`  ${name.padEnd(16)} ${adapter.kind.padEnd(15)} ${adapter.summary}`);
  }
  return lines.join('\n');
}

function progressPrinter(): (event: ProgressEvent) => void {
  const tty = process.stderr.isTTY;
  let ticker: NodeJS.Timeout | undefined;
  return (event) => {
    if (event.type === 'skipped') {
      process.stderr.write(`skip ${event.name}: ${event.reason}\n`);
      return;
    }
    const head = `[${String(event.step).padStart(String(event.steps).length)}/${event.steps}] ${event.name} run ${event.run}/${event.runs}`;
    if (event.type === 'start') {
      if (!tty) return;
      const started = Date.now();
      const draw = () => process.stderr.write(`\r${head} … ${((Date.now() - started) / 1000).toFixed(0)} s\x1b[K`);
      draw();
      ticker = setInterval(draw, 1000);
      return;
    }
    clearInterval(ticker);
    const status = event.ok ? event.detail : `FAILED: ${event.detail}`;
    process.stderr.write(`${tty ? '\r' : ''}${head} ${status} (child ${(event.elapsedMs / 1000).toFixed(1)} s)${tty ? '\x1b[K' : ''}\n`);
  };
}

async function main(args: BenchArgs): Promise<void> {
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.list) {
    process.stdout.write(`${listing()}\n`);
    return;
  }
  const { scenario, notes } = loadScenario(args.scenario!);
  for (const name of args.impls) {
    if (!isImplementationName(name)) throw errors.unknownImplementation(name, implementationNames);
  }
  const names = args.impls.length ? [...new Set(args.impls)] : implementationNames;
  for (const note of notes) process.stderr.write(`note: ${note}\n`);
  const results = await runBench({
    scenario,
    contenders: names.map((name) => ({ adapter: registry[name as keyof typeof registry] })),
    runs: args.runs ?? scenario.runs,
    onProgress: progressPrinter(),
  });
  const file = writeResultsFile(args.resultsDir ?? defaultResultsDir, results);
  process.stdout.write(`${render(results, args.format)}\n`);
  process.stderr.write(`results written to ${file}\n`);
}

try {
  await main(parseBenchArgs(process.argv.slice(2)));
} catch (error) {
  if (error instanceof InputError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
