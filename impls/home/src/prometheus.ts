// Opt-in Prometheus exporter for the home pool, on prom-client. Counters and gauges are read from pool.metrics() when
// the registry is scraped (collect callbacks), so the pool pays nothing between scrapes. Wait and run histograms need
// every observation, so they exist only for pools created with trackLatency: true, fed through observeLatency().
import { Counter, Gauge, Histogram, Registry, exponentialBuckets } from 'prom-client';
import { optionErrors } from './errors.js';
import { checkKnownOptions, optionNames } from './options.js';
import type { PoolMetrics } from './metrics.js';
import type { AsyncPool } from './async-pool.js';
import { ThreadPool } from './thread-pool.js';

export interface PrometheusOptions {
  /** Registry to register into. Default: a new Registry. */
  registry?: Registry;
  /** Prefix of every metric name. Default 'poolbench_'. */
  prefix?: string;
  /** Upper bounds (seconds) of the wait and run histogram buckets. Default: 100 µs × 4ⁿ, 10 buckets (to about 26 s). */
  buckets?: number[];
}

export interface PoolExporter {
  readonly registry: Registry;
  /** Removes this pool's metrics from the registry and stops observing its latencies. */
  unregister(): void;
}

/** 0 closed, 1 open, 2 half-open would hide the meaning in a number; one series per state, 1 for the current one. */
const BREAKER_STATES = ['closed', 'open', 'half-open'] as const;

type AnyPool = AsyncPool<any, any> | ThreadPool<any, any>;

const PROMETHEUS_OPTIONS = optionNames('registerPoolMetrics', ['registry', 'prefix', 'buckets']);

/** Registers the pool's metrics; a registry holds one pool per prefix (names must be unique in it). */
export function registerPoolMetrics(pool: AnyPool, options: PrometheusOptions = {}): PoolExporter {
  checkKnownOptions(options, PROMETHEUS_OPTIONS);
  const registry = options.registry ?? new Registry();
  if (!(registry instanceof Registry)) throw optionErrors.oneOf('registry', registry, 'a prom-client Registry');
  const prefix = options.prefix ?? 'poolbench_';
  if (typeof prefix !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) {
    throw optionErrors.oneOf('prefix', prefix, 'a metric name prefix matching [a-zA-Z_:][a-zA-Z0-9_:]*');
  }
  const buckets = options.buckets ?? exponentialBuckets(0.0001, 4, 10);
  if (!Array.isArray(buckets) || buckets.length === 0 || !buckets.every((b) => typeof b === 'number' && b > 0)) {
    throw optionErrors.oneOf('buckets', buckets, 'a non-empty array of numbers > 0 (seconds)');
  }
  const registers = [registry];
  /** Names this call registered, so unregister (or a failed registration) removes exactly those. */
  const names: string[] = [];
  const named = <M>(suffix: string, make: (name: string) => M): M => {
    const metric = make(prefix + suffix);
    names.push(prefix + suffix);
    return metric;
  };
  const threads = pool instanceof ThreadPool ? pool : null;
  let detach: (() => void) | null = null;
  const unregister = (): void => {
    detach?.();
    detach = null;
    for (const n of names) registry.removeSingleMetric(n);
    names.length = 0;
  };

  // A pool counter only grows: each scrape adds what it grew by since the last one.
  const counter = (suffix: string, help: string, read: (m: PoolMetrics) => number): void => {
    let seen = 0;
    named(suffix, (name) => new Counter({
      name, help, registers,
      collect() {
        const now = read(pool.metrics());
        if (now > seen) this.inc(now - seen);
        seen = now;
      },
    }));
  };
  const gauge = (suffix: string, help: string, read: () => number): void => {
    named(suffix, (name) => new Gauge({
      name, help, registers,
      collect() {
        this.set(read());
      },
    }));
  };

  try {
    counter('tasks_submitted_total', 'Tasks submitted, including those refused at submission.', (m) => m.submitted);
    counter('tasks_completed_total', 'Tasks that settled with a result.', (m) => m.completed);
    counter('tasks_failed_total', 'Tasks that settled with an error (after retries), refusals and aborts included.', (m) => m.failed);
    counter('task_retries_total', 'Retries started after a failed try.', (m) => m.retried);
    counter('tasks_timed_out_total', 'Tries that ran past their timeout.', (m) => m.timedOut);
    counter('tasks_aborted_total', 'Tasks aborted through their signal.', (m) => m.aborted);
    gauge('tasks_running', 'Tasks running now.', () => pool.runningCount);
    gauge('tasks_queued', 'Tasks waiting to start: queued, held for queue room, or waiting to retry.', () => pool.pendingCount);
    gauge('submitters_blocked', 'Callers waiting for queue room: held submissions and waitForRoom() calls.', () => pool.blockedCount);
    gauge('concurrency_limit', 'Tasks that may run at once (thread engine: maxThreads × concurrentTasksPerWorker).', () =>
      threads ? threads.limits.maxThreads * threads.limits.concurrentTasksPerWorker : (pool as AsyncPool<any, any>).concurrency,
    );
    if (threads) {
      gauge('threads', 'Worker threads alive now.', () => threads.threads);
      gauge('thread_utilization_ratio', "Fraction of the workers' lifetime spent running tasks (0 to 1).", () => threads.metrics().utilization ?? 0);
    }

    if (pool.metrics().breaker) {
      named('breaker_state', (name) => new Gauge({
        name,
        help: 'Circuit breaker state: 1 for the current state, 0 for the others.',
        labelNames: ['state'] as const,
        registers,
        collect() {
          const state = pool.metrics().breaker!.state;
          for (const s of BREAKER_STATES) this.set({ state: s }, s === state ? 1 : 0);
        },
      }));
      counter('breaker_opened_total', 'Times the circuit breaker opened.', (m) => m.breaker!.opened);
    }

    if (pool.metrics().waitTime) {
      const help = ' Only tasks started after registration are observed.';
      const wait = named('task_wait_seconds', (name) => new Histogram({ name, help: `Submit to start, per try.${help}`, buckets, registers }));
      const run = named('task_run_seconds', (name) => new Histogram({ name, help: `Start to end, per try that ran.${help}`, buckets, registers }));
      detach = pool.observeLatency((kind, ms) => (kind === 'wait' ? wait : run).observe(ms / 1000));
    }
  } catch (error) {
    unregister(); // a name clash midway must not leave half a pool registered
    throw error;
  }
  return { registry, unregister };
}
