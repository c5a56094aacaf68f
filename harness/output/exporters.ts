import { type ResultsFile } from '../results/schema.js';
// Results files in the formats other tools consume (pure functions; the CLI is scripts/export.ts).
//   github: github-action-benchmark's customSmallerIsBetter — [{ name, unit, value, range, extra }]
//   bmf:    Bencher Metric Format — { benchmark: { measure: { value, lower_value, upper_value } } }

export interface GithubBenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range: string;
  extra: string;
}

type BmfMeasure = { value: number; lower_value: number; upper_value: number };

export function toGithubBenchmark(results: ResultsFile): GithubBenchmarkEntry[] {
  const sha = results.env.gitSha?.slice(0, 7) ?? 'no git';
  return results.implementations.flatMap((impl) => {
    if (impl.state !== 'completed') return [];
    const { wallMs, heapPeakBytes } = impl.summary;
    const extra = `${wallMs.n} runs, median of fresh processes; ${results.env.cpuModel}, Node ${results.env.node}, ${sha}`;
    return [
      { name: `${results.scenario.id}/${impl.name} wall time`, unit: 'ms', value: wallMs.median, range: `${wallMs.min.toFixed(1)} … ${wallMs.max.toFixed(1)}`, extra },
      {
        name: `${results.scenario.id}/${impl.name} peak heap`,
        unit: 'MB',
        value: heapPeakBytes.median / 1048576,
        range: `${(heapPeakBytes.min / 1048576).toFixed(1)} … ${(heapPeakBytes.max / 1048576).toFixed(1)}`,
        extra,
      },
    ];
  });
}

/** Bencher's built-in `latency` measure is in nanoseconds; heap goes in a measure of its own, in bytes. */
export function toBencherMetricFormat(results: ResultsFile): Record<string, Record<string, BmfMeasure>> {
  const out: Record<string, Record<string, BmfMeasure>> = {};
  for (const impl of results.implementations) {
    if (impl.state !== 'completed') continue;
    const { wallMs, heapPeakBytes } = impl.summary;
    out[`${results.scenario.id}/${impl.name}`] = {
      latency: { value: wallMs.median * 1e6, lower_value: wallMs.min * 1e6, upper_value: wallMs.max * 1e6 },
      'peak-heap-bytes': { value: heapPeakBytes.median, lower_value: heapPeakBytes.min, upper_value: heapPeakBytes.max },
    };
  }
  return out;
}
