// Where one row's measured child runs: under which runtime (--runtime), from which entry (child-main, or a row's own
// program such as the Go reference), and what that leaves unmeasured. Decided once per row, before any run.
import type { RunPlan, Skip } from '../../impls/types.js';
import { runtimeLabel, type RunRecord, type RuntimeInfo } from '../results/schema.js';
import type { ChildLaunch } from '../run/child.js';
import { externalChild } from './go.js';
import { isAvailable, launchFor, type RuntimeChoice } from './runtime.js';

export interface Placement {
  /** Recorded on the row; absent when it runs under the invocation's own node with no --runtime given. */
  runtime?: RuntimeInfo;
  /** The child entry, when not child-main. */
  childScript?: string;
  launch: ChildLaunch;
  /** Known before any run: what the runtime cannot measure or enforce. */
  unmeasured: string[];
}

/** The row's key in progress lines and bookkeeping: its name, and its runtime when one was chosen. */
export function placedName(name: string, runtime: RuntimeChoice | undefined): string {
  return runtime ? `${name} (${runtimeLabel(runtime.info)})` : name;
}

export function placeContender(name: string, runtime: RuntimeChoice | undefined, plan: RunPlan, heapLimitMB: number): Placement | Skip {
  const external = externalChild(name);
  if (external) {
    // A row with its own program (Go) has no JavaScript runtime to choose: it runs the same under every --runtime.
    const prepared = external.prepare(plan);
    if ('reason' in prepared) return prepared;
    return { runtime: prepared.runtime, childScript: external.script(), launch: {}, unmeasured: [] };
  }
  if (!runtime) return { launch: {}, unmeasured: [] };
  if (!isAvailable(runtime)) return { reason: `runtime ${runtime.info.name}@${runtime.info.version} is not available: ${runtime.unavailable}` };
  if (runtime.own) return { runtime: runtime.info, launch: {}, unmeasured: [] };
  const launch = launchFor(runtime, heapLimitMB);
  return { runtime: runtime.info, launch: { runtime: launch }, unmeasured: launch.unmeasured };
}

/** The row's notes on what is missing (not measured, or not applied): the runtime's, then each distinct one its runs reported. */
export function unmeasuredNotes(placement: Placement | undefined, runs: readonly RunRecord[]): string[] {
  const fromRuns = runs.flatMap((r) => (r.state === 'measured' ? (r.sample.unmeasured ?? []) : []));
  return [...new Set([...(placement?.unmeasured ?? []), ...fromRuns])].map((what) => `missing: ${what}`);
}
