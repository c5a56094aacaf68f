// Reference row: the `million` shape in Go's own idiom (impls/go/goroutines/main.go), a goroutine per task and a
// buffered channel of capacity C as the semaphore. Its measured child is the Go program itself, started by the
// harness (harness/runtimes/go-child.ts), so there is no in-process session: setup() exists only to say so.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { AdapterSession, Requirement } from '../types.js';

/** Workloads the Go program implements; every other one is skipped with this list. */
export const GO_WORKLOADS = ['sleep', 'noop'] as const;

/** The Go toolchain on PATH, or undefined. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'go');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const goRequirement: Requirement = {
  what: 'the Go toolchain (Debian: apt-get install golang-go) to compile impls/go/goroutines on first use',
  check: (env) => (findGo(env) ? true : { reason: 'Go is not installed (no go on PATH); install it with apt-get install golang-go' }),
};

export async function setup(): Promise<AdapterSession> {
  throw new Error('go-goroutines runs as its own Go process (harness/runtimes/go-child.js), never inside a Node child');
}
