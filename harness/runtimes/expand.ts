// --runtime in a benchmark: every runtime fetched (or found) once, then each implementation under each runtime.
import type { Contender } from '../run/runner.js';
import { externalChild } from './go.js';
import { resolveRuntime, type RuntimeChoice, type RuntimeSpec } from './runtime.js';

/** Resolves each spec once, in order; a runtime that cannot be had stays in the list with its reason. */
export function resolveRuntimes(specs: readonly RuntimeSpec[], log: (line: string) => void): RuntimeChoice[] {
  return specs.map((spec) => resolveRuntime(spec, log));
}

/**
 * One contender per implementation and runtime, runtime by runtime (the runner rotates the order across runs).
 * Rows with a program of their own (the Go reference) run once: no JavaScript runtime applies to them.
 * No runtimes: the contenders as they are, under this node, recording no runtime.
 */
export function underRuntimes(contenders: readonly Contender[], runtimes: readonly RuntimeChoice[]): Contender[] {
  if (runtimes.length === 0) return [...contenders];
  const own = contenders.filter((c) => externalChild(c.adapter.name) !== undefined);
  const js = contenders.filter((c) => externalChild(c.adapter.name) === undefined);
  return [...runtimes.flatMap((runtime) => js.map((c) => ({ ...c, runtime }))), ...own];
}
