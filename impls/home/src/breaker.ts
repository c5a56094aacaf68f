// Opt-in circuit breaker. It only decides whether the pool may START a task: an open breaker leaves tasks in the
// queue (none is rejected or lost), and the pool starts them once the breaker lets probes through again.
//
// closed    → every start allowed; each finished try is a sample in a window of the last `windowSize` tries.
//             With ≥ minSamples samples and failures / samples ≥ failureRatio, it opens.
// open      → no start for coolDownMs, then half-open. Outcomes of tries started before it opened are ignored.
// half-open → at most `halfOpenProbes` tries start; one failing re-opens, all of them succeeding closes.
import { optionErrors, warnCallbackThrew } from './errors.js';
import { checkInteger, checkKnownOptions, checkOptionalFunction, checkTimerMs, optionNames } from './options.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Finished tries the failure ratio is computed over (the last N). Default 20. */
  windowSize?: number;
  /** Samples needed in the window before the breaker may open. Default 10 (at most windowSize). */
  minSamples?: number;
  /** Opens when failures / samples reaches this (0 < ratio ≤ 1). Default 0.5. */
  failureRatio?: number;
  /** How long it stays open before probing, in ms (at most 2³¹ − 1; Infinity: it never probes again). Default 1000. */
  coolDownMs?: number;
  /** Tries allowed to start while half-open; all must succeed to close. Default 1. */
  halfOpenProbes?: number;
  /** Called on every state change, after the change. */
  onStateChange?: (state: BreakerState, previous: BreakerState) => void;
}

export interface BreakerMetrics {
  state: BreakerState;
  /** Times it went to open (from closed or half-open). */
  opened: number;
  /** Failed / total tries in the current closed window (0 when empty). */
  failureRatio: number;
  samples: number;
}

/** What a job carries for the breaker: the half-open phase it probes for (0: not a probe). */
export interface BreakerTicket {
  probeEpoch: number;
}

const BREAKER_OPTIONS = optionNames('breaker', ['windowSize', 'minSamples', 'failureRatio', 'coolDownMs', 'halfOpenProbes', 'onStateChange']);

export class CircuitBreaker {
  readonly windowSize: number;
  readonly minSamples: number;
  readonly failureRatio: number;
  readonly coolDownMs: number;
  readonly halfOpenProbes: number;
  private readonly onStateChange: ((state: BreakerState, previous: BreakerState) => void) | undefined;

  private state: BreakerState = 'closed';
  private opened = 0;
  /** Ring of the last windowSize outcomes (true = failed). */
  private readonly window: boolean[];
  private next = 0;
  private samples = 0;
  private failures = 0;
  /** Half-open phases are numbered, so a probe of an earlier phase never decides a later one. */
  private epoch = 0;
  private probesStarted = 0;
  private probesSucceeded = 0;
  private timer: NodeJS.Timeout | null = null;

  /** `changed` runs after every state change: the pool pumps its queue there (half-open lets probes start). */
  constructor(options: BreakerOptions, private readonly changed: (state: BreakerState, previous: BreakerState) => void) {
    checkKnownOptions(options, BREAKER_OPTIONS, 'breaker.');
    this.windowSize = checkInteger('breaker.windowSize', options.windowSize ?? 20, 1);
    const minSamples = checkInteger('breaker.minSamples', options.minSamples ?? Math.min(10, this.windowSize), 1);
    if (minSamples > this.windowSize) {
      throw optionErrors.range('breaker.minSamples', minSamples, `must be ≤ breaker.windowSize (${this.windowSize})`);
    }
    this.minSamples = minSamples;
    const ratio = options.failureRatio ?? 0.5;
    if (typeof ratio !== 'number' || !(ratio > 0 && ratio <= 1)) throw optionErrors.ratio('breaker.failureRatio', ratio);
    this.failureRatio = ratio;
    this.coolDownMs = checkTimerMs('breaker.coolDownMs', options.coolDownMs ?? 1000, 'it stays open');
    this.halfOpenProbes = checkInteger('breaker.halfOpenProbes', options.halfOpenProbes ?? 1, 1);
    this.onStateChange = checkOptionalFunction('breaker.onStateChange', options.onStateChange);
    this.window = new Array<boolean>(this.windowSize).fill(false);
  }

  get current(): BreakerState {
    return this.state;
  }

  /** May one more try start now? Does not take a probe slot: `started` does, once the try really starts. */
  allows(): boolean {
    return this.state === 'closed' || (this.state === 'half-open' && this.probesStarted < this.halfOpenProbes);
  }

  started(ticket: BreakerTicket): void {
    if (this.state !== 'half-open') return;
    ticket.probeEpoch = this.epoch;
    this.probesStarted++;
  }

  /** A try that ran has finished: a sample when closed, a verdict when it probes the current half-open phase. */
  finished(ticket: BreakerTicket, failed: boolean): void {
    const probe = ticket.probeEpoch;
    ticket.probeEpoch = 0;
    if (this.state === 'closed') {
      this.sample(failed);
      return;
    }
    if (this.state !== 'half-open' || probe !== this.epoch) return;
    if (failed) {
      this.open();
    } else if (++this.probesSucceeded >= this.halfOpenProbes) {
      this.resetWindow();
      this.transition('closed');
    }
  }

  /** A try ended without an outcome (aborted, destroyed): a probe gives its slot back to the next task. */
  released(ticket: BreakerTicket): void {
    if (ticket.probeEpoch !== 0 && ticket.probeEpoch === this.epoch && this.state === 'half-open') this.probesStarted--;
    ticket.probeEpoch = 0;
  }

  /** Keeps the process alive through the cool-down while tasks wait for it; an idle pool must not. */
  holdProcess(waiting: boolean): void {
    if (this.timer) {
      if (waiting) this.timer.ref();
      else this.timer.unref();
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  metrics(): BreakerMetrics {
    return {
      state: this.state,
      opened: this.opened,
      failureRatio: this.samples === 0 ? 0 : this.failures / this.samples,
      samples: this.samples,
    };
  }

  private sample(failed: boolean): void {
    if (this.samples === this.windowSize) {
      if (this.window[this.next]) this.failures--;
    } else {
      this.samples++;
    }
    this.window[this.next] = failed;
    if (failed) this.failures++;
    this.next = (this.next + 1) % this.windowSize;
    if (this.samples >= this.minSamples && this.failures / this.samples >= this.failureRatio) this.open();
  }

  private open(): void {
    this.opened++;
    this.resetWindow();
    this.dispose();
    if (this.coolDownMs !== Infinity) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.epoch++;
        this.probesStarted = this.probesSucceeded = 0;
        this.transition('half-open');
      }, this.coolDownMs);
      this.timer.unref();
    }
    this.transition('open');
  }

  private resetWindow(): void {
    this.samples = this.failures = this.next = 0;
  }

  private transition(state: BreakerState): void {
    const previous = this.state;
    this.state = state;
    try {
      this.onStateChange?.(state, previous);
    } catch (thrown) {
      warnCallbackThrew('breaker.onStateChange', thrown);
    }
    this.changed(state, previous);
  }
}
