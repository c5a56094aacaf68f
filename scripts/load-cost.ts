// `node dist/scripts/load-cost.js [--repeats 3]`: what lazy loading saves each measured child (a dev tool, not a
// benchmark). For every implementation it starts fresh processes with --expose-gc that load the registry
//   old: and every adapter module, as the registry did when it imported them all (each library with them);
//   new: and only that implementation's module, as a measured child does now;
// then force garbage collection and report heapUsed and RSS. Medians over --repeats processes per cell.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { implementationNames, isImplementationName, registry } from '../impls/registry.js';
import { runCli } from '../harness/cli/run-cli.js';
import { errors } from '../core/errors.js';
import { median } from '../harness/stats/stats.js';

const MODES = ['registry', 'old', 'new'] as const;
type Mode = (typeof MODES)[number];

interface Memory {
  heapUsed: number;
  rss: number;
}

/** Child side: loads what the mode says, collects garbage until the heap settles, prints its memory as JSON. */
async function measureChild(mode: Mode, name: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('load-cost children need --expose-gc');
  if (mode === 'old') for (const each of implementationNames) await registry[each].load();
  if (mode === 'new') {
    if (!isImplementationName(name)) throw errors.unknownImplementation(name, implementationNames);
    await registry[name].load();
  }
  // A few rounds with the event loop turning between them, so finalizers and weak references settle too.
  for (let round = 0; round < 4; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { heapUsed, rss } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ heapUsed, rss } satisfies Memory)}\n`);
}

function measureInFreshProcess(mode: Mode, name: string): Memory {
  const file = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ['--expose-gc', file, '--child', mode, '--impl', name], { encoding: 'utf8' });
  return JSON.parse(out) as Memory;
}

function medianOf(mode: Mode, name: string, repeats: number): Memory {
  const runs = Array.from({ length: repeats }, () => measureInFreshProcess(mode, name));
  return { heapUsed: median(runs.map((r) => r.heapUsed)), rss: median(runs.map((r) => r.rss)) };
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: { repeats: { type: 'string', default: '3' }, child: { type: 'string' }, impl: { type: 'string', default: '' } } }));
  } catch (error) {
    throw errors.badArguments((error as Error).message);
  }
  if (values.child !== undefined) {
    if (!(MODES as readonly string[]).includes(values.child)) throw errors.invalidFlag('child', values.child, MODES.join(' | '));
    return measureChild(values.child as Mode, values.impl);
  }
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw errors.invalidFlag('repeats', values.repeats, 'an integer ≥ 1');

  const base = medianOf('registry', '', repeats);
  const old = medianOf('old', '', repeats);
  const header = ['implementation', 'old heap MB', 'new heap MB', 'saved heap MB', 'old RSS MB', 'new RSS MB', 'saved RSS MB'];
  const rows = implementationNames.map((name) => {
    const now = medianOf('new', name, repeats);
    return [name, mb(old.heapUsed), mb(now.heapUsed), mb(old.heapUsed - now.heapUsed), mb(old.rss), mb(now.rss), mb(old.rss - now.rss)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const lines = [
    `Load cost per measured child: node ${process.version}, ${process.platform}/${process.arch}, medians of ${repeats} fresh processes each, after forced GC.`,
    `old = registry + every adapter module (the eager registry); new = registry + this implementation's module only (what a child loads now).`,
    `registry alone: heap ${mb(base.heapUsed)} MB, RSS ${mb(base.rss)} MB.`,
    '',
    line(header),
    ...rows.map(line),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await runCli(main);
