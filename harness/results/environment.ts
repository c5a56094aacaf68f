// The machine and software a result was measured on, recorded with every results file.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../core/paths.js';
import type { Environment } from './schema.js';

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: projectRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function installedVersion(packageName: string): string | null {
  try {
    const json = JSON.parse(readFileSync(join(projectRoot, 'node_modules', packageName, 'package.json'), 'utf8'));
    return typeof json.version === 'string' ? json.version : null;
  } catch {
    return null;
  }
}

export function captureEnvironment(packageNames: readonly string[], childHeapLimitMB: number): Environment {
  const sha = git(['rev-parse', 'HEAD']);
  const status = sha === null ? null : git(['status', '--porcelain', '--untracked-files=no']);
  const libraries: Record<string, string> = {};
  for (const name of [...new Set(packageNames)].sort()) {
    libraries[name] = installedVersion(name) ?? 'not installed';
  }
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    gitSha: sha,
    gitDirty: status === null ? null : status.length > 0,
    libraries,
    childHeapLimitMB,
    ci: Boolean(process.env.CI),
  };
}

/**
 * What makes two results comparable as the same hardware: CPU model, cores, memory (to the GiB) and the Node major.
 * The kernel build, V8 patch level and the rest stay recorded as detail; they do not split machines.
 */
export interface Hardware {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  nodeMajor: string;
}

export function hardwareOf(env: Environment): Hardware {
  return {
    cpuModel: env.cpuModel,
    cores: env.cores,
    memoryGiB: Math.round(env.totalMemoryBytes / 1024 ** 3),
    nodeMajor: /^v?(\d+)/.exec(env.node)?.[1] ?? env.node,
  };
}

export function hardwareKey(env: Environment): string {
  const h = hardwareOf(env);
  return JSON.stringify([h.cpuModel, h.cores, h.memoryGiB, h.nodeMajor]);
}

export function describeHardware(env: Environment): string {
  const h = hardwareOf(env);
  return `${h.cpuModel}, ${h.cores} cores, ${h.memoryGiB} GiB, Node ${h.nodeMajor}`;
}
