// The Prometheus exporter of the home pool: its text exposition parses, and its values are the pool's own counts.
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AsyncPool, ThreadPool, type PoolMetrics, type TaskContext } from '@poolbench/home';
import { registerPoolMetrics } from '@poolbench/home/prometheus';
import { threadTasks as filename } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
interface Family {
  help?: string;
  type?: string;
  samples: Sample[];
}

/** A strict parser of the text exposition format (0.0.4): any line it does not understand fails the test. */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { samples: [] }));
    return f;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m: RegExpMatchArray | null;
    if ((m = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line))) {
      family(m[1]!).help = m[2]!;
    } else if ((m = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line))) {
      family(m[1]!).type = m[2]!;
    } else if ((m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line))) {
      const [, name, labelText, valueText] = m;
      const labels: Record<string, string> = {};
      const rest = (labelText ?? '').replace(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g, (_all, key: string, value: string) => {
        labels[key] = value;
        return '';
      });
      if (rest !== '') throw new Error(`unparseable labels in: ${line}`);
      const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
      if (Number.isNaN(value) && valueText !== 'NaN') throw new Error(`unparseable value in: ${line}`);
      const base = name!.replace(/_(bucket|sum|count)$/, '');
      const owner = families.get(base)?.type === 'histogram' ? base : name!;
      family(owner).samples.push({ name: name!, labels, value });
    } else {
      throw new Error(`unparseable line: ${line}`);
    }
  }
  for (const [name, f] of families) {
    if (!f.type || f.help === undefined) throw new Error(`${name} has no TYPE or HELP line`);
  }
  return families;
}

function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const owner = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
  const sample = owner?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (!sample) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
  return sample.value;
}

/** Buckets never decrease, and +Inf holds every observation. */
function checkHistogram(families: Map<string, Family>, name: string): number {
  const buckets = families.get(name)!.samples.filter((s) => s.name === `${name}_bucket`);
  const counts = buckets.map((b) => b.value);
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
  expect(buckets.at(-1)!.labels.le).toBe('+Inf');
  const count = value(families, `${name}_count`);
  expect(buckets.at(-1)!.value).toBe(count);
  return count;
}

async function mixedWorkload(pool: AsyncPool<number, number>): Promise<PoolMetrics> {
  const controller = new AbortController();
  let tries = 0;
  await Promise.allSettled([
    ...[1, 2, 3, 4, 5].map((n) => pool.submit(async (x) => (await sleep(1), x), n)),
    pool.submit(() => Promise.reject(new Error('fails'))),
    pool.submit(() => (++tries < 2 ? Promise.reject(new Error('once')) : 7), 0, { retry: 1 }),
    pool.submit((_: number, ctx: TaskContext) => new Promise<number>((resolve) => ctx.signal.addEventListener('abort', () => resolve(0))), 0, {
      signal: controller.signal,
    }),
    sleep(5).then(() => controller.abort()),
  ]);
  return pool.metrics();
}

describe('Prometheus exporter', () => {
  it('AsyncPool: the text exposition parses, and every counter and gauge equals the pool\'s own metrics()', async () => {
    const pool = new AsyncPool<number, number>({ concurrency: 4, trackLatency: true });
    const { registry } = registerPoolMetrics(pool);
    const m = await mixedWorkload(pool);
    expect(registry.contentType).toContain('text/plain');
    const families = parseExposition(await registry.metrics());
    expect(families.get('poolbench_tasks_completed_total')!.type).toBe('counter');
    expect(value(families, 'poolbench_tasks_submitted_total')).toBe(m.submitted);
    expect(value(families, 'poolbench_tasks_completed_total')).toBe(m.completed);
    expect(value(families, 'poolbench_tasks_failed_total')).toBe(m.failed);
    expect(value(families, 'poolbench_task_retries_total')).toBe(m.retried);
    expect(value(families, 'poolbench_tasks_timed_out_total')).toBe(m.timedOut);
    expect(value(families, 'poolbench_tasks_aborted_total')).toBe(m.aborted);
    expect([m.submitted, m.completed, m.failed, m.retried, m.aborted]).toEqual([8, 6, 2, 1, 1]);
    expect(value(families, 'poolbench_tasks_running')).toBe(0);
    expect(value(families, 'poolbench_tasks_queued')).toBe(0);
    expect(value(families, 'poolbench_concurrency_limit')).toBe(4);
    expect(families.get('poolbench_task_run_seconds')!.type).toBe('histogram');
    expect(checkHistogram(families, 'poolbench_task_wait_seconds')).toBe(m.waitTime!.count);
    expect(checkHistogram(families, 'poolbench_task_run_seconds')).toBe(m.runTime!.count);
    expect(value(families, 'poolbench_task_run_seconds_sum')).toBeGreaterThan(0);
    expect(families.has('poolbench_threads')).toBe(false); // async engine: no threads to report
    expect(families.has('poolbench_breaker_state')).toBe(false); // no breaker configured
  });

  it('getMetricsAsJSON agrees with the text, and counters add only the growth between scrapes', async () => {
    const pool = new AsyncPool<number, number>({ concurrency: 2 });
    const { registry } = registerPoolMetrics(pool, { prefix: 'home_' });
    await Promise.all([1, 2, 3].map((n) => pool.submit((x) => x, n)));
    const first = await registry.getMetricsAsJSON();
    const completed = first.find((f) => f.name === 'home_tasks_completed_total')!;
    expect(completed.type).toBe('counter');
    expect(completed.values.map((v) => v.value)).toEqual([3]);
    await Promise.all([4, 5].map((n) => pool.submit((x) => x, n)));
    const text = parseExposition(await registry.metrics());
    expect(value(text, 'home_tasks_completed_total')).toBe(5);
    expect(value(text, 'home_tasks_completed_total')).toBe(pool.metrics().completed);
    const second = await registry.getMetricsAsJSON();
    expect(second.find((f) => f.name === 'home_tasks_submitted_total')!.values[0]!.value).toBe(5);
    expect(second.find((f) => f.name === 'home_tasks_running')!.type).toBe('gauge');
    expect(second.some((f) => f.name.startsWith('home_task_wait_seconds'))).toBe(false); // trackLatency is off
  });

  it('ThreadPool with a breaker: threads, utilization, breaker state series and open count match the pool', async () => {
    const pool = new ThreadPool<unknown, unknown>({
      filename, minThreads: 2, maxThreads: 2, trackLatency: true,
      breaker: { windowSize: 2, minSamples: 2, failureRatio: 1, coolDownMs: 60_000 },
    });
    try {
      const registry = new Registry();
      const other = new Counter({ name: 'caller_own_total', help: 'A metric the caller registered first.', registers: [registry] });
      other.inc(2);
      registerPoolMetrics(pool, { registry });
      await Promise.allSettled([pool.submit('a', { name: 'fail' }), pool.submit('b', { name: 'fail' })]);
      const m = pool.metrics();
      expect(m.breaker).toMatchObject({ state: 'open', opened: 1 });
      const families = parseExposition(await registry.metrics());
      expect(value(families, 'caller_own_total')).toBe(2);
      expect(value(families, 'poolbench_threads')).toBe(pool.threads);
      expect(value(families, 'poolbench_concurrency_limit')).toBe(2);
      const utilization = value(families, 'poolbench_thread_utilization_ratio');
      expect(utilization).toBeGreaterThanOrEqual(0);
      expect(utilization).toBeLessThanOrEqual(1);
      expect(value(families, 'poolbench_breaker_state', { state: 'open' })).toBe(1);
      expect(value(families, 'poolbench_breaker_state', { state: 'closed' })).toBe(0);
      expect(value(families, 'poolbench_breaker_state', { state: 'half-open' })).toBe(0);
      expect(value(families, 'poolbench_breaker_opened_total')).toBe(1);
      expect(value(families, 'poolbench_tasks_failed_total')).toBe(m.failed);
      expect(checkHistogram(families, 'poolbench_task_wait_seconds')).toBe(m.waitTime!.count);
    } finally {
      await pool.destroy();
    }
  });

  it('unregister() removes only the pool\'s metrics; bad options throw a TypeError naming the option', async () => {
    const pool = new AsyncPool({ trackLatency: true });
    const registry = new Registry();
    new Counter({ name: 'caller_own_total', help: 'kept', registers: [registry] });
    const exporter = registerPoolMetrics(pool, { registry });
    expect(() => registerPoolMetrics(pool, { registry })).toThrow(/already been registered/);
    exporter.unregister();
    expect((await registry.getMetricsAsJSON()).map((f) => f.name)).toEqual(['caller_own_total']);
    expect(pool.observeLatency(() => {})).not.toBeNull(); // the exporter's latency observer was detached
    expect(() => registerPoolMetrics(new AsyncPool(), { prefix: 'bad-prefix' })).toThrow(
      'options.prefix must be a metric name prefix matching [a-zA-Z_:][a-zA-Z0-9_:]*; got "bad-prefix"',
    );
    expect(() => registerPoolMetrics(new AsyncPool(), { buckets: [] })).toThrow('options.buckets must be a non-empty array of numbers > 0 (seconds)');
  });
});
