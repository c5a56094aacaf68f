// The Go reference row's binary: compiled from impls/go/goroutines with the machine's Go on first use, into the
// runtime cache under a hash of its sources (an edit recompiles; nothing else does), and the row's planning checks.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, compiledFile } from '../../core/paths.js';
import { findGo, GO_WORKLOADS } from '../../impls/reference/go-goroutines.js';
import type { RunPlan, Skip } from '../../impls/types.js';
import type { RuntimeInfo } from '../results/schema.js';
import { runtimeCacheDir } from './runtime.js';

export const GO_SOURCE_DIR = join(projectRoot, 'impls', 'go', 'goroutines');
const SOURCES = ['go.mod', 'main.go'];
const BUILD_TIMEOUT_MS = 5 * 60_000;

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES) hash.update(file).update(readFileSync(join(GO_SOURCE_DIR, file)));
  return hash.digest('hex').slice(0, 12);
}

/** The toolchain's own version line ("go1.19.8 linux/amd64"), or why there is none. */
export function goVersion(env: NodeJS.ProcessEnv = process.env): { go: string; version: string } | string {
  const go = findGo(env);
  if (!go) return 'Go is not installed (no go on PATH); install it with apt-get install golang-go';
  const probe = spawnSync(go, ['version'], { encoding: 'utf8', timeout: 20_000, env });
  const match = /go version go(\S+)/.exec(probe.stdout ?? '');
  if (probe.error || !match) return `${go} version failed: ${probe.error?.message ?? (probe.stderr.trim() || probe.stdout.trim())}`;
  return { go, version: match[1]! };
}

/**
 * The compiled program's path, building it when its sources changed; why not when Go is missing or the build fails.
 * Offline on purpose: GOPROXY=off and GOFLAGS=-mod=mod, since the program uses the standard library only.
 */
export function goBinary(cacheDir = runtimeCacheDir(), env: NodeJS.ProcessEnv = process.env): { path: string; runtime: RuntimeInfo } | string {
  const toolchain = goVersion(env);
  if (typeof toolchain === 'string') return toolchain;
  const folder = join(cacheDir, 'go-goroutines', `${sourceHash()}-go${toolchain.version}`);
  const path = join(folder, 'go-goroutines');
  const runtime: RuntimeInfo = { name: 'go', version: toolchain.version, source: `${toolchain.go}, compiled into ${folder}` };
  if (existsSync(path)) return { path, runtime };
  mkdirSync(folder, { recursive: true });
  const scratch = `${path}.building-${process.pid}`;
  const build = spawnSync(toolchain.go, ['build', '-o', scratch, '.'], {
    cwd: GO_SOURCE_DIR, encoding: 'utf8', timeout: BUILD_TIMEOUT_MS,
    env: { ...env, GOPROXY: 'off', GOFLAGS: '-mod=mod', GOCACHE: env.GOCACHE ?? join(cacheDir, 'go-build') },
  });
  if (build.error || build.status !== 0 || !existsSync(scratch)) {
    rmSync(scratch, { force: true });
    return `go build of ${GO_SOURCE_DIR} failed: ${build.error?.message ?? (build.stderr.trim().split('\n').pop() || `exit ${build.status}`)}`;
  }
  // Renamed whole, so a concurrent invocation never runs half a binary.
  renameSync(scratch, path);
  return { path, runtime };
}

/**
 * Rows whose measured child is not child-main but a program of their own, started by a small Node child that
 * speaks the same protocol. Keyed by registry name.
 */
export interface ExternalChild {
  /** The Node entry the runner forks instead of child-main. */
  script(): string;
  /** Whether it can run the plan (and its program can be had): a skip reason when not. Builds what it needs. */
  prepare(plan: RunPlan): { runtime: RuntimeInfo } | Skip;
}

const goGoroutines: ExternalChild = {
  script: () => compiledFile('harness', 'runtimes', 'go-child.js'),
  prepare(plan) {
    const kind = plan.scenario.workload.kind;
    if (!(GO_WORKLOADS as readonly string[]).includes(kind)) {
      return { reason: `workload ${kind} is not supported: the Go program implements ${GO_WORKLOADS.join(' and ')} only` };
    }
    const binary = goBinary();
    return typeof binary === 'string' ? { reason: binary } : { runtime: binary.runtime };
  },
};

const EXTERNAL_CHILDREN: Record<string, ExternalChild> = { 'go-goroutines': goGoroutines };

export function externalChild(name: string): ExternalChild | undefined {
  return Object.hasOwn(EXTERNAL_CHILDREN, name) ? EXTERNAL_CHILDREN[name] : undefined;
}
