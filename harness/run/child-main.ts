// Entry point of one measured child process: receives a request over IPC, measures once, replies, exits.
// Nothing here prints: progress belongs to the parent.
import { pathToFileURL } from 'node:url';
import { findImplementation, implementationNames } from '../../impls/registry.js';
import { loadExternalAdapter } from '../../impls/external.js';
import type { PoolAdapter } from '../../impls/types.js';
import { liveStatus, measureOnce } from '../measure/measure.js';
import type { ChildReply, ChildRequest } from './protocol.js';

function reply(message: ChildReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function loadAdapter(request: ChildRequest): Promise<PoolAdapter> {
  if (request.adapterModule) {
    const module = (await import(pathToFileURL(request.adapterModule).href)) as Record<string, PoolAdapter | undefined>;
    // A test fixture exports adapters by name; an external adapter (--impl ./file.js) is its checked default export.
    const adapter = module[request.implementation] ?? (module.default ? await loadExternalAdapter(request.adapterModule, implementationNames) : undefined);
    if (!adapter) throw new Error(`${request.adapterModule} has no export named ${request.implementation}`);
    return adapter;
  }
  // Only this implementation's module (and library) is loaded: the child's memory is its own row's. A variant row
  // (`piscina[atomics=disabled]`) loads its base adapter and hands it the variant.
  const entry = findImplementation(request.implementation);
  if (!entry) throw new Error(`unknown implementation ${request.implementation}`);
  return entry.load();
}

async function fail(error: unknown): Promise<never> {
  await reply({ type: 'failed', reason: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

/** How often the child checks that its parent is still there. */
const PARENT_CHECK_MS = 200;

process.on('uncaughtException', (error) => void fail(error));
// Nothing left to wake the child while tasks are outstanding: their completions will never come.
process.on('beforeExit', () => {
  if (liveStatus.phase === 'idle') return;
  const { settled } = liveStatus.progress;
  const missing = liveStatus.tasks - settled;
  void fail(
    new Error(
      `the event loop went idle with ${settled} of ${liveStatus.tasks} tasks settled in the ${liveStatus.phase}: ` +
        `${missing} completion${missing === 1 ? '' : 's'} never came (lost)`,
    ),
  );
});
process.on('unhandledRejection', (error) => void fail(error));
// The parent is gone (killed, even by SIGKILL): nobody will read the reply, so stop now rather than finish the run.
// Polled with an unref'd timer: a 'disconnect' listener would ref the IPC channel and keep an idle child alive,
// hiding lost completions from the beforeExit check above.
setInterval(() => {
  if (!process.connected) process.exit(1);
}, PARENT_CHECK_MS).unref();

process.once('message', (request: ChildRequest) => {
  void (async () => {
    try {
      const adapter = await loadAdapter(request);
      const { applied, sample } = await measureOnce(
        adapter,
        { scenario: request.scenario, threads: request.threads },
        { latency: request.latency ?? true },
      );
      await reply({ type: 'measured', applied, sample });
      // A pool that leaves a handle open must not hold the run past its reply.
      process.exit(0);
    } catch (error) {
      await fail(error);
    }
  })();
});
