// Results files as the data other tools consume (pure functions; format.ts turns them into text).
//   github-action-benchmark: customSmallerIsBetter — [{ name, unit, value, range, extra }]
//   bencher: Bencher Metric Format — { benchmark: { measure: { value, lower_value, upper_value } } }
import { errors } from '../../core/errors.js';
import { pointLabel } from '../../scenarios/schema.js';
import { type ImplementationResult, type ResultsFile } from '../results/schema.js';

export interface GithubBenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range: string;
  extra: string;
}

type BmfMeasure = { value: number; lower_value: number; upper_value: number };
export type BencherMetricFormat = Record<string, Record<string, BmfMeasure>>;

type CompletedResult = Extract<ImplementationResult, { state: 'completed' }>;

const MB = 1024 * 1024;

/** `scenario/implementation`, with the sweep point when there is one, so every point of a sweep is its own benchmark. */
function benchmarkName(results: ResultsFile, impl: ImplementationResult): string {
  const point = results.scenario.point ? ` [${pointLabel(results.scenario.point)}]` : '';
  return `${results.scenario.id}/${impl.name}${point}`;
}

/**
 * The completed rows of every file with their benchmark names. Two files of the same scenario and point would give
 * the same name twice, and the tools would keep only one of them: that is refused instead.
 */
function benchmarks(files: readonly ResultsFile[]): Array<{ name: string; results: ResultsFile; impl: CompletedResult }> {
  const seen = new Map<string, ResultsFile>();
  return files.flatMap((results) =>
    results.implementations.flatMap((impl) => {
      if (impl.state !== 'completed') return [];
      const name = benchmarkName(results, impl);
      const earlier = seen.get(name);
      if (earlier) {
        throw errors.badArguments(
          `benchmark ${JSON.stringify(name)} is in two results files (created ${earlier.createdAt} and ${results.createdAt}); allowed: one results file per scenario and sweep point`,
        );
      }
      seen.set(name, results);
      return [{ name, results, impl }];
    }),
  );
}

export function toGithubBenchmark(files: readonly ResultsFile[]): GithubBenchmarkEntry[] {
  return benchmarks(files).flatMap(({ name, results, impl }) => {
    const sha = results.env.gitSha?.slice(0, 7) ?? 'no git';
    const { wallMs, heapPeakBytes } = impl.summary;
    const extra = `${wallMs.n} runs, median of fresh processes; ${results.env.cpuModel}, Node ${results.env.node}, ${sha}`;
    return [
      { name: `${name} wall time`, unit: 'ms', value: wallMs.median, range: `${wallMs.min.toFixed(1)} … ${wallMs.max.toFixed(1)}`, extra },
      {
        name: `${name} peak heap`,
        unit: 'MB',
        value: heapPeakBytes.median / MB,
        range: `${(heapPeakBytes.min / MB).toFixed(1)} … ${(heapPeakBytes.max / MB).toFixed(1)}`,
        extra,
      },
    ];
  });
}

/** Bencher's built-in `latency` measure is in nanoseconds; heap goes in a measure of its own, in bytes. */
export function toBencherMetricFormat(files: readonly ResultsFile[]): BencherMetricFormat {
  const out: BencherMetricFormat = {};
  for (const { name, impl } of benchmarks(files)) {
    const { wallMs, heapPeakBytes } = impl.summary;
    out[name] = {
      latency: { value: wallMs.median * 1e6, lower_value: wallMs.min * 1e6, upper_value: wallMs.max * 1e6 },
      'peak-heap-bytes': { value: heapPeakBytes.median, lower_value: heapPeakBytes.min, upper_value: heapPeakBytes.max },
    };
  }
  return out;
}
