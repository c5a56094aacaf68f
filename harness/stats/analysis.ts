// The comparisons a results file supports, computed from its raw runs alone: each row's median with its interval,
// its distance from the ideal, the fastest row and its floor (each a ratio with a 95 % interval), a rank that is
// shared where intervals overlap, and hyperfine's verdict sentences only where the data supports them.
// Written into results files as computed fields; every reader can recompute them, and a test checks it does.
import { tasksRun, type Analysis, type ImplementationResult, type ResultsFile, type RowAnalysis } from '../results/schema.js';
import {
  DEFAULT_CONFIDENCE, medianInterval, rankRanges, ratioInterval, relativeHalfWidth, scaleInterval, speedVerdict, type Interval,
} from './intervals.js';

/** The hand-written floor each kind of row is measured against: no pool at all, the same task shape. */
export const FLOOR_OF: Partial<Record<ImplementationResult['kind'], string>> = {
  'in-thread': 'lanes',
  'worker-threads': 'raw-workers',
};

export const ANALYSIS_METHOD =
  'medians with order-statistic (binomial) intervals; ratios as Hodges–Lehmann estimates on log values with the ' +
  'interval that inverts the Mann–Whitney test; 95 %; ranks shared where a ratio interval includes 1';

/** Per-task wall times of the clean runs (a scaled-down row is comparable only per task). */
function perTaskWalls(impl: ImplementationResult, scenarioTasks: number): number[] {
  if (impl.state !== 'completed') return [];
  const tasks = tasksRun(impl, scenarioTasks);
  return impl.runs.flatMap((r) => (r.state === 'measured' && r.problems.length === 0 ? [r.sample.wallMs / tasks] : []));
}

function cpuPerTaskMicros(impl: ImplementationResult, scenarioTasks: number): number[] {
  if (impl.state !== 'completed') return [];
  const tasks = tasksRun(impl, scenarioTasks);
  return impl.runs.flatMap((r) =>
    r.state === 'measured' && r.problems.length === 0 ? [((r.sample.cpuUserMs + r.sample.cpuSystemMs) * 1000) / tasks] : [],
  );
}

const honoursLimit = (impl: ImplementationResult): boolean => impl.state === 'completed' && impl.applied.concurrency !== 'unbounded';

export function analyze(results: ResultsFile, confidence = DEFAULT_CONFIDENCE): Analysis {
  const { scenario } = results;
  const completed = results.implementations.filter((i) => i.state === 'completed' && perTaskWalls(i, scenario.tasks).length > 0);
  const walls = new Map(completed.map((i) => [i.name, perTaskWalls(i, scenario.tasks)]));
  const ranked = completed.filter(honoursLimit);
  const medianOf = (name: string) => medianInterval(walls.get(name)!, confidence).estimate;
  const fastest = ranked.length ? ranked.reduce((a, b) => (medianOf(b.name) < medianOf(a.name) ? b : a)) : null;
  const ratio = (a: string, b: string): Interval => ratioInterval(walls.get(a)!, walls.get(b)!, confidence);
  const ranks = rankRanges(ranked.length, (i, j) => ratio(ranked[i]!.name, ranked[j]!.name));

  const rows: RowAnalysis[] = completed.map((impl) => {
    const tasks = tasksRun(impl, scenario.tasks);
    const perTask = medianInterval(walls.get(impl.name)!, confidence);
    const ideal = impl.state !== 'skipped' && impl.scaled ? impl.scaled.ideal : results.ideal;
    const floorName = FLOOR_OF[impl.kind];
    const floor = floorName && floorName !== impl.name && walls.has(floorName) ? floorName : null;
    const cpu = cpuPerTaskMicros(impl, scenario.tasks);
    const rankIndex = ranked.indexOf(impl);
    return {
      name: impl.name,
      runs: walls.get(impl.name)!.length,
      medianHalfWidth: relativeHalfWidth(perTask),
      settled: results.adaptive ? relativeHalfWidth(perTask) <= results.adaptive.precision : null,
      wallMs: scaleInterval(perTask, 1 / tasks),
      xIdeal: ideal ? scaleInterval(perTask, ideal.ms / tasks) : null,
      xFastest: !fastest || !honoursLimit(impl) ? null : impl === fastest ? { estimate: 1, low: 1, high: 1, confidence } : ratio(impl.name, fastest.name),
      xFloor: floor ? { floor, ratio: ratio(impl.name, floor) } : null,
      cpuMicrosPerTask: cpu.length ? medianInterval(cpu, confidence) : null,
      rank: rankIndex >= 0 ? ranks[rankIndex]! : null,
    };
  });

  const verdicts: string[] = [];
  const tiedWithFastest: string[] = [];
  if (fastest) {
    for (const other of ranked) {
      if (other === fastest) continue;
      const sentence = speedVerdict(fastest.name, other.name, ratio(other.name, fastest.name));
      if (sentence) verdicts.push(sentence);
      else tiedWithFastest.push(other.name);
    }
  }
  return { confidence, method: ANALYSIS_METHOD, fastest: fastest?.name ?? null, rows, verdicts, tiedWithFastest };
}
