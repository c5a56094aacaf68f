// Spawns one measured child, enforces its time limit, and turns every way it can end into a reply or a reason.
import { fork } from 'node:child_process';
import { compiledFile } from '../../core/paths.js';
import type { ChildProgress, ChildReply, ChildRequest } from './protocol.js';
import type { RuntimeLaunch } from '../runtimes/runtime.js';

export interface ChildOutcome {
  reply: ChildReply;
  elapsedMs: number;
}

const STDERR_TAIL_BYTES = 4000;

/** Runs the child's node under another program (valgrind), with extra node flags (--predictable), or another runtime. */
export interface ChildLaunch {
  wrapper?: { command: string; args: readonly string[] };
  nodeFlags?: readonly string[];
  /** Another runtime's binary and flags (--runtime); absent, this process's node with --expose-gc and the heap limit. */
  runtime?: Pick<RuntimeLaunch, 'execPath' | 'args' | 'serialization'>;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

export function runChild(
  request: ChildRequest,
  timeLimitSeconds: number,
  heapLimitMB: number,
  signal?: AbortSignal,
  /** The child entry to run; another checkout's child entry for A/B runs. */
  childScript: string = compiledFile('harness', 'run', 'child-main.js'),
  launch: ChildLaunch = {},
): Promise<ChildOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const runtime = launch.runtime;
    const runtimePath = runtime?.execPath ?? process.execPath;
    const nodeArgs = [...(runtime?.args ?? ['--expose-gc', `--max-old-space-size=${heapLimitMB}`]), ...(launch.nodeFlags ?? [])];
    // fork runs `execPath ...execArgv script`: under a wrapper that is `wrapper ...its args node ...node flags script`.
    const child = fork(childScript, [], {
      execPath: launch.wrapper ? launch.wrapper.command : runtimePath,
      execArgv: launch.wrapper ? [...launch.wrapper.args, runtimePath, ...nodeArgs] : nodeArgs,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // Another runtime (or another V8) cannot read this node's V8 serialization: those children talk JSON.
      serialization: runtime?.serialization ?? 'advanced',
    });
    let stderr = '';
    let reply: ChildReply | undefined;
    let progress: ChildProgress | undefined;
    let timedOut = false;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });
    child.on('message', (message: ChildReply | ChildProgress) => {
      if (message.type === 'progress') progress = message;
      else reply ??= message;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeLimitSeconds * 1000);
    // Interrupted: the child (and with it every worker thread it started) goes at once.
    const interrupt = (): void => {
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', interrupt, { once: true });
    child.once('error', (error) => {
      reply ??= { type: 'failed', reason: `could not start the child: ${error.message}` };
    });
    child.once('exit', (code, exitSignal) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', interrupt);
      const elapsedMs = performance.now() - started;
      let outcome: ChildReply;
      if (timedOut) {
        const got = progress
          ? `; by then ${progress.settled} of ${progress.tasks} tasks had settled in the ${progress.phase}`
          : '; it had reported no progress';
        outcome = { type: 'failed', reason: `timed out after ${timeLimitSeconds} s (the scenario's timeLimitSeconds)${got}` };
      } else if (reply) {
        outcome = reply;
      } else if (/heap out of memory|Allocation failed/i.test(stderr)) {
        outcome = { type: 'failed', reason: `out of memory at the child heap limit of ${heapLimitMB} MB` };
      } else if (signal?.aborted) {
        outcome = { type: 'failed', reason: `interrupted (${String(signal.reason)})` };
      } else if (exitSignal) {
        outcome = { type: 'failed', reason: `killed by ${exitSignal}` };
      } else {
        const detail = lastLine(stderr);
        outcome = { type: 'failed', reason: `exited with code ${code} before replying${detail ? `: ${detail}` : ''}` };
      }
      resolve({ reply: outcome, elapsedMs });
    });
    child.send(request);
  });
}
