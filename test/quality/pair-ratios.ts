// Head-to-head ratios between named rows of one results file (not a unit test): for each pair, how much slower the
// second row ran than the first (Hodges–Lehmann ratio of wall times with its 95 % interval, as the tables compute
// it), and each row's median main-thread event-loop delay p99 with the same ratio interval.
//   node dist/test/quality/pair-ratios.js <results.json> 'piscina[atomics=disabled]/piscina' 'home-plimit/p-limit' …
import { readResultsFile } from '../../harness/results/store.js';
import { ratioInterval, excludesOne } from '../../harness/stats/intervals.js';
import { median } from '../../harness/stats/stats.js';

const [file, ...pairs] = process.argv.slice(2);
if (!file || pairs.length === 0) throw new Error('usage: pair-ratios.js <results.json> <row>/<row>...');
const results = readResultsFile(file);

function cleanRuns(name: string) {
  const impl = results.implementations.find((i) => i.name === name);
  if (!impl || impl.state === 'skipped') throw new Error(`${name}: not a measured row of ${file}`);
  return impl.runs.flatMap((r) => (r.state === 'measured' && r.problems.length === 0 ? [r.sample] : []));
}

for (const pair of pairs) {
  const split = pair.lastIndexOf('/');
  const [a, b] = [pair.slice(0, split), pair.slice(split + 1)];
  const runsA = cleanRuns(a);
  const runsB = cleanRuns(b);
  const ratio = ratioInterval(runsA.map((s) => s.wallMs), runsB.map((s) => s.wallMs));
  const p99 = (runs: typeof runsA) => runs.flatMap((s) => (s.eventLoop && s.eventLoop.delayP99Ms > 0 ? [s.eventLoop.delayP99Ms] : []));
  const loop = (runs: typeof runsA) => (p99(runs).length ? `${median(p99(runs)).toFixed(1)} ms` : '—');
  const loopRatio = p99(runsA).length && p99(runsB).length ? ratioInterval(p99(runsA), p99(runsB)) : null;
  const loopText = loopRatio ? ` (${loopRatio.estimate.toFixed(2)}× [${loopRatio.low.toFixed(2)}, ${loopRatio.high.toFixed(2)}])` : '';
  const verdict = excludesOne(ratio) ? (ratio.estimate > 1 ? `${a} slower` : `${a} faster`) : 'tied (interval includes 1)';
  process.stdout.write(
    `${a} / ${b}: wall ${ratio.estimate.toFixed(2)}× [${ratio.low.toFixed(2)}, ${ratio.high.toFixed(2)}] (${runsA.length} vs ${runsB.length} runs) — ${verdict}; ` +
      `loop p99 ${loop(runsA)} vs ${loop(runsB)}${loopText}\n`,
  );
}
