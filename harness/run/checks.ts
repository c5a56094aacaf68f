// What the runner verifies about every measured run: exactly-once completion, and the settings each adapter claims.
import type { Applied, RunPlan } from '../../impls/types.js';
import { type Tally } from '../results/schema.js';

/** `errorTolerance`: the fraction of tasks allowed to fail (the scenario's; 0 unless it says otherwise). */
export function tallyProblems(tally: Tally, label = '', errorTolerance = 0): string[] {
  const problems: string[] = [];
  const of = `of ${tally.tasks}${label}`;
  if (tally.failed > errorTolerance * tally.tasks) {
    const allowed = errorTolerance > 0 ? `, above the scenario's errorTolerance of ${errorTolerance * 100} %` : '';
    problems.push(`${tally.failed} ${of} tasks failed${allowed} (first: ${tally.firstError ?? 'no message'})`);
  }
  if (tally.lost > 0) problems.push(`${tally.lost} ${of} tasks were lost (never completed)`);
  if (tally.duplicated > 0) problems.push(`${tally.duplicated} completions ${label ? `${label.trim()} ` : ''}were duplicated`);
  if (tally.mismatched > 0) problems.push(`${tally.mismatched} ${of} results belonged to another task`);
  if (tally.firstTry !== undefined && tally.retried !== undefined && tally.firstTry + tally.retried !== tally.completed) {
    problems.push(
      `${tally.completed - tally.firstTry - tally.retried} ${of} tasks were reported successful without an attempt ` +
        `(succeeded first try ${tally.firstTry} + after retry ${tally.retried} ≠ completed ${tally.completed})`,
    );
  }
  return problems;
}

/** Compares what the adapter says it applied, and what the tasks observed, with what the plan asked for. */
export function appliedProblems(applied: Applied, plan: RunPlan, peakRunning: number): string[] {
  const problems: string[] = [];
  const wanted = plan.scenario.concurrency;
  if (applied.concurrency !== 'unbounded' && applied.concurrency !== wanted) {
    problems.push(`applied concurrency ${applied.concurrency} differs from the scenario's ${wanted}`);
  }
  if (applied.threads > 0 && applied.threads !== plan.threads) {
    problems.push(`started ${applied.threads} threads, the plan asked for ${plan.threads}`);
  }
  const dynamic = plan.scenario.dynamicThreads;
  if (applied.threads > 0 && dynamic && (applied.minThreads ?? applied.threads) !== Math.min(dynamic.min, plan.threads)) {
    problems.push(`keeps ${applied.minThreads ?? applied.threads} threads when idle, the scenario's dynamicThreads.min is ${dynamic.min}`);
  }
  if (applied.threads > 0 && applied.tasksPerWorker !== undefined && applied.threads * applied.tasksPerWorker !== applied.concurrency) {
    problems.push(`threads ${applied.threads} × tasks per worker ${applied.tasksPerWorker} differs from applied concurrency ${applied.concurrency}`);
  }
  // The task module counts running tasks per thread: all of them in-thread, one worker's inside a worker.
  const perThreadLimit = applied.threads > 0 ? applied.tasksPerWorker : applied.concurrency;
  if (typeof perThreadLimit === 'number' && peakRunning > perThreadLimit) {
    const where = applied.threads > 0 ? ' in one worker' : '';
    problems.push(`${peakRunning} tasks ran at once${where}, above the applied limit ${perThreadLimit}`);
  }
  return problems;
}
