// Rows grouped by the JavaScript runtime they ran under, so nothing from different runtimes is ranked as one run.
// Rows without a JavaScript runtime of their own (no --runtime given, or a native reference row such as Go's) belong
// to the group of the invocation's own node: that is where a reference is read against the pools.
import { runtimeLabel, type ImplementationResult, type ResultsFile } from '../results/schema.js';

/** Runtimes of rows that run their own native program: they join the baseline group instead of forming one. */
const NATIVE_RUNTIMES = new Set(['go']);

export interface RuntimeGroup {
  /** "bun 1.4.5"; for the baseline group, the invocation's node ("node 20.20.2"). */
  label: string;
  /** The invocation's own node: ratios in the runtime comparison are to this group. */
  baseline: boolean;
  implementations: ImplementationResult[];
}

/** The row's JavaScript runtime, or undefined when it ran under the invocation's node or has a native program. */
export function jsRuntimeLabel(impl: ImplementationResult): string | undefined {
  return impl.runtime && !NATIVE_RUNTIMES.has(impl.runtime.name) ? runtimeLabel(impl.runtime) : undefined;
}

export function runtimeGroups(results: Pick<ResultsFile, 'implementations' | 'env'>): RuntimeGroup[] {
  const own = `node ${results.env.node.replace(/^v/, '')}`;
  const groups = new Map<string, ImplementationResult[]>();
  const unplaced: ImplementationResult[] = [];
  for (const impl of results.implementations) {
    const label = jsRuntimeLabel(impl);
    if (label === undefined) unplaced.push(impl);
    else groups.set(label, [...(groups.get(label) ?? []), impl]);
  }
  if (groups.size === 0) return [{ label: own, baseline: true, implementations: unplaced }];
  // The baseline is the invocation's own node when it ran; otherwise the first runtime named.
  const baselineLabel = groups.has(own) ? own : [...groups.keys()][0]!;
  return [...groups.entries()].map(([label, implementations]) => ({
    label,
    baseline: label === baselineLabel,
    implementations: label === baselineLabel ? [...implementations, ...unplaced] : implementations,
  }));
}

/** The file restricted to one group: what every per-run computation (analysis, ranks, the table) reads. */
export function groupFile(results: ResultsFile, group: RuntimeGroup): ResultsFile {
  const { analysis: _stored, ...rest } = results;
  return { ...rest, implementations: group.implementations };
}
