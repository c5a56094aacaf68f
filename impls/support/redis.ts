// Finds or starts the Redis server a distributed adapter runs on: POOLBENCH_REDIS_URL when set, otherwise a private
// redis-server on loopback, in a temporary directory, with persistence off, stopped (and its directory removed) at stop().
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Skip } from '../types.js';

export const REDIS_URL_ENV = 'POOLBENCH_REDIS_URL';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export interface RedisServer {
  url: string;
  /** Started here (and stopped by stop()), or given by POOLBENCH_REDIS_URL and left alone. */
  owned: boolean;
  /** The redis-server process id when started here. */
  pid?: number;
  /** The temporary directory it runs in, when started here; removed by stop(). */
  dir?: string;
  stop(): Promise<void>;
}

/** The first executable `redis-server` on a PATH-style list of directories. */
export function findRedisServer(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, 'redis-server');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here: keep looking
    }
  }
  return undefined;
}

/** Whether a Redis can be had; the reason when not. `lookup` is injectable so tests can simulate a machine without it. */
export function redisAvailability(
  env: NodeJS.ProcessEnv = process.env,
  lookup: (path: string) => string | undefined = findRedisServer,
): true | Skip {
  if (env[REDIS_URL_ENV]) return true;
  if (lookup(env.PATH ?? '')) return true;
  return { reason: redisSkipReason() };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Sends one command in RESP and resolves with the reply's text (simple, error or bulk string). Enough for PING and
 * INFO while the server starts, without a client library.
 */
export function rawCommand(port: number, args: string[], host = '127.0.0.1', timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    let buffer = Buffer.alloc(0);
    const finish = (error: Error | null, text?: string): void => {
      socket.destroy();
      if (error) reject(error);
      else resolve(text!);
    };
    socket.setTimeout(timeoutMs, () => finish(new Error(`no reply from ${host}:${port} within ${timeoutMs} ms`)));
    socket.once('error', (error) => finish(error));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const lineEnd = buffer.indexOf('\r\n');
      if (lineEnd < 0) return;
      const head = buffer.subarray(0, lineEnd).toString();
      if (head.startsWith('+')) return finish(null, head.slice(1));
      if (head.startsWith('-')) return finish(new Error(head.slice(1)));
      if (head.startsWith('$')) {
        const length = Number(head.slice(1));
        if (buffer.length >= lineEnd + 2 + length) finish(null, buffer.subarray(lineEnd + 2, lineEnd + 2 + length).toString());
        return;
      }
      finish(new Error(`unexpected reply ${JSON.stringify(head)}`));
    });
    socket.write(args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).reduce((s, a) => s + a, `*${args.length}\r\n`));
  });
}

// redis-server has no "die with my parent" option, and the measured child can be SIGKILLed at its time limit. So a
// shell guards it: when our end of its stdin closes (stop(), or our death by any signal), it stops redis and removes
// the directory; when redis exits by itself, the shell exits with its code. Background jobs get /dev/null as stdin,
// hence the copy of stdin on fd 3.
const GUARD = `
dir=$1; shift
exec 3<&0
"$@" &
r=$!
( read _ <&3; kill $r 2>/dev/null ) &
w=$!
wait $r
code=$?
kill $w 2>/dev/null
rm -rf "$dir"
exit $code
`;

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startOnce(binary: string): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'poolbench-redis-'));
  const args = [
    binary, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
    '--daemonize', 'no', '--loglevel', 'warning',
  ];
  const guard = spawn('sh', ['-c', GUARD, 'poolbench-redis-guard', dir, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-2000);
  };
  guard.stdout!.on('data', keep);
  guard.stderr!.on('data', keep);
  let exited = false;
  const exit = exitOf(guard).then(() => {
    exited = true;
  });
  const deadline = performance.now() + START_TIMEOUT_MS;
  let lastError = '';
  for (;;) {
    if (exited) {
      rmSync(dir, { recursive: true, force: true });
      const last = output.trim().split('\n').pop() ?? '';
      throw new Error(`redis-server on port ${port} exited with code ${guard.exitCode} while starting${last ? `: ${last}` : ''}`);
    }
    try {
      if ((await rawCommand(port, ['PING'])) === 'PONG') break;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (performance.now() > deadline) {
      guard.stdin!.end();
      await exit;
      throw new Error(`redis-server on port ${port} did not answer PING within ${START_TIMEOUT_MS} ms (last: ${lastError})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  let info: string;
  try {
    info = await rawCommand(port, ['INFO', 'server']);
  } catch (error) {
    // The server answered PING but not INFO: stop it rather than leave it (and the guard) running.
    guard.stdin!.end();
    await exit;
    throw error;
  }
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  // Nothing here may hold the caller's event loop open: the guard only ends when asked to.
  guard.unref();
  (guard.stdin as unknown as { unref?: () => void }).unref?.();
  (guard.stdout as unknown as { unref?: () => void }).unref?.();
  (guard.stderr as unknown as { unref?: () => void }).unref?.();
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    owned: true,
    pid,
    dir,
    stop() {
      stopping ??= (async () => {
        guard.stdin!.end();
        const timer = setTimeout(() => {
          // The guard did not finish in time: end both by id and clean up here.
          if (pid > 0) killQuietly(pid);
          if (guard.pid) killQuietly(guard.pid);
        }, STOP_TIMEOUT_MS);
        await exit;
        clearTimeout(timer);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Starts a private redis-server; a port taken between choosing and binding it gets two more tries. */
export async function startRedis(binary = findRedisServer()): Promise<RedisServer> {
  if (!binary) throw new Error(redisSkipReason());
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

function redisSkipReason(): string {
  return `redis-server not found on PATH and ${REDIS_URL_ENV} not set`;
}

/** POOLBENCH_REDIS_URL's server when set (never stopped here), otherwise a private one. */
export async function findOrStartRedis(env: NodeJS.ProcessEnv = process.env): Promise<RedisServer> {
  const url = env[REDIS_URL_ENV];
  if (url) {
    if (!/^rediss?:\/\//.test(url)) {
      throw new Error(`${REDIS_URL_ENV} is ${JSON.stringify(url)}; expected a redis:// or rediss:// URL`);
    }
    return { url, owned: false, stop: async () => {} };
  }
  return startRedis();
}
