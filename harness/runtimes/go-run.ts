// Runs the compiled Go program (impls/go/goroutines) once for a child request and turns its JSON report into the
// harness's measured run, so the runner, the checks and the tables treat the go-goroutines row like any other.
import { spawn } from 'node:child_process';
import type { Applied } from '../../impls/types.js';
import type { ChildReply, ChildRequest } from '../run/protocol.js';
import type { MemoryPoint, RunSample } from '../results/schema.js';
import { SAMPLING, thinTimeline } from '../measure/measure.js';

/** What the Go program prints: RunSample's own fields and names, plus its version and GOMAXPROCS. */
export type GoReport = Pick<
  RunSample,
  'wallMs' | 'setupMs' | 'warmupMs' | 'heapBaselineBytes' | 'heapPeakBytes' | 'rssPeakBytes' | 'maxRssBytes' | 'gcCount' | 'gcPauseMs' | 'cpuUserMs' | 'cpuSystemMs' | 'tally' | 'warmupTally'
> & { goVersion: string; gomaxprocs: number; timeline: MemoryPoint[] | null };

export function goArguments(request: ChildRequest): string[] {
  const { scenario } = request;
  const workload = scenario.workload as { kind: string; ms?: number };
  return [
    `-tasks=${scenario.tasks}`, `-concurrency=${scenario.concurrency}`, `-workload=${workload.kind}`, `-ms=${workload.ms ?? 0}`,
    `-warmup-tasks=${scenario.warmup.tasks}`, `-warmup-passes=${scenario.warmup.passes}`, `-threads=${request.threads}`,
    `-sample-ms=${SAMPLING.heap.intervalMs}`, '-exit-with-stdin',
  ];
}

/** The Go program's report as the harness's measured run; its peak running count is checked against the channel. */
export function toMeasured(report: GoReport, request: ChildRequest): { applied: Applied; sample: RunSample } | string {
  const { concurrency } = request.scenario;
  if (report.tally.peakRunning > concurrency) {
    return `${report.tally.peakRunning} tasks ran at once, above the channel's capacity ${concurrency}`;
  }
  const applied: Applied = {
    concurrency, threads: report.gomaxprocs,
    options: {
      semaphore: `make(chan struct{}, ${concurrency})`, GOMAXPROCS: report.gomaxprocs, go: report.goVersion,
      producer: "the loop blocks on the channel before each go statement (Go's idiom), not the scenario's producer",
    },
  };
  const sample: RunSample = {
    wallMs: report.wallMs, setupMs: report.setupMs, warmupMs: report.warmupMs, teardownMs: 0,
    heapBaselineBytes: report.heapBaselineBytes, heapPeakBytes: report.heapPeakBytes,
    rssPeakBytes: report.rssPeakBytes, maxRssBytes: report.maxRssBytes,
    gcCount: report.gcCount, gcPauseMs: report.gcPauseMs,
    cpuUserMs: report.cpuUserMs, cpuSystemMs: report.cpuSystemMs, cpuCores: (report.cpuUserMs + report.cpuSystemMs) / report.wallMs,
    tally: report.tally,
    ...(report.warmupTally ? { warmupTally: report.warmupTally } : {}),
    timeline: thinTimeline(report.timeline ?? []),
    unmeasured: [
      'per-task latency: the Go program records none (no wait/run percentiles)',
      `V8 heap: the heap figure is Go's runtime.MemStats.HeapInuse, sampled every ${SAMPLING.heap.intervalMs} ms`,
    ],
  };
  return { applied, sample };
}

export function runGo(binary: string, request: ChildRequest): Promise<ChildReply> {
  return new Promise((resolve) => {
    // stdin stays an open pipe for the program's life: when this child dies, it closes and the program exits.
    const go = spawn(binary, goArguments(request), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    go.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    go.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    go.once('error', (error) => resolve({ type: 'failed', reason: `could not start ${binary}: ${error.message}` }));
    go.once('close', (code, signal) => {
      if (code !== 0) {
        const detail = stderr.trim().split('\n').pop() ?? '';
        return resolve({ type: 'failed', reason: `the Go program exited with ${signal ?? `code ${code}`}${detail ? `: ${detail}` : ''}` });
      }
      let report: GoReport;
      try {
        report = JSON.parse(stdout) as GoReport;
      } catch (error) {
        return resolve({ type: 'failed', reason: `the Go program printed no JSON report: ${(error as Error).message}` });
      }
      const measured = toMeasured(report, request);
      resolve(typeof measured === 'string' ? { type: 'failed', reason: measured } : { type: 'measured', ...measured });
    });
  });
}

