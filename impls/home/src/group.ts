// Task groups: a set of tasks submitted together and awaited together, on either engine.
// A fail-fast group aborts its other members the moment one fails: it hears each outcome through the pool's
// callback, synchronously, so no queued sibling can start between the failure and the abort.
import { optionErrors } from './errors.js';
import { checkKnownOptions, optionNames } from './options.js';
import type { AnyCallback, CoreTaskOptions } from './pool-core.js';

const GROUP_OPTIONS = optionNames('group', ['failFast']);

export interface GroupOptions {
  /** On the first failure, abort every other member through its signal and make all() reject. Default false. */
  failFast?: boolean;
}

/** How an engine runs one member: its callback form, given the member's options (carrying the group's signal). */
export type RunMember<O> = (options: O | undefined, callback: AnyCallback) => void;

/** Engines extend it with a submit() of their own signature, each calling add(). */
export abstract class TaskGroup<R = unknown, O extends CoreTaskOptions = CoreTaskOptions> {
  readonly failFast: boolean;
  private readonly members: Promise<R>[] = [];
  /** Fail-fast only: aborted with the first error, so every member's signal carries it as its reason. */
  private readonly controller: AbortController | null;
  private failure: { error: unknown } | null = null;

  /** `deferPump` is the pool's: the fail-fast abort cascade runs inside it, so no sibling starts mid-cascade. */
  constructor(
    options: GroupOptions | undefined,
    private readonly deferPump: (fn: () => void) => void,
  ) {
    if (options !== undefined) checkKnownOptions(options, GROUP_OPTIONS);
    const failFast = options?.failFast ?? false;
    if (typeof failFast !== 'boolean') throw optionErrors.oneOf('failFast', failFast, 'true or false');
    this.failFast = failFast;
    this.controller = failFast ? new AbortController() : null;
  }

  /** Members submitted so far. */
  get size(): number {
    return this.members.length;
  }

  /** Fail-fast groups: the first member error once there is one (undefined before). */
  get firstError(): unknown {
    return this.failure?.error;
  }

  /** Submits one member. Its promise may be ignored: a rejection is reported by all(), never as unhandled. */
  protected add<T extends R>(options: O | undefined, runMember: RunMember<O>): Promise<T> {
    let memberOptions = options;
    if (this.controller) {
      const own = options?.signal;
      const signal = own ? AbortSignal.any([own, this.controller.signal]) : this.controller.signal;
      memberOptions = { ...options, signal } as O;
    }
    const promise = new Promise<T>((resolve, reject) => {
      runMember(memberOptions, (error, value) => {
        if (error === undefined) return resolve(value as T);
        this.failed(error);
        reject(error);
      });
    });
    promise.catch(() => {});
    this.members.push(promise);
    return promise;
  }

  /**
   * Settles once every member submitted before the call has settled, with their outcomes in submission order, shaped
   * as Promise.allSettled's: `{ status: 'fulfilled', value }` or `{ status: 'rejected', reason }`. A fail-fast group
   * that saw a failure rejects instead, with the first error, after its aborted members have settled.
   */
  async all(): Promise<PromiseSettledResult<R>[]> {
    const outcomes = await Promise.allSettled(this.members.slice());
    if (this.failure) throw this.failure.error;
    return outcomes;
  }

  private failed(error: unknown): void {
    if (!this.controller || this.failure) return;
    this.failure = { error };
    // Queued members are removed from the queue, running ones see their signal abort; all reject with AbortError.
    const controller = this.controller;
    this.deferPump(() => controller.abort(error));
  }
}
