// The measured child of the go-goroutines row: receives the same request over IPC as child-main, runs the Go
// program once (go-run.ts) and replies with its figures. The Go program exits when this child's stdin pipe closes.
import type { ChildReply, ChildRequest } from '../run/protocol.js';
import { goBinary } from './go.js';
import { runGo } from './go-run.js';

function reply(message: ChildReply): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

process.once('message', (request: ChildRequest) => {
  void (async () => {
    const binary = goBinary();
    const outcome: ChildReply =
      typeof binary === 'string'
        ? { type: 'failed', reason: binary }
        : await runGo(binary.path, request);
    await reply(outcome);
    process.exit(outcome.type === 'measured' ? 0 : 1);
  })();
});
