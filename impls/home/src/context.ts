// Keeping the submitter's AsyncLocalStorage context, for a task that waits and for every callback of every task.
//
// A task that starts at once runs in its submitter's context anyway. One that waits is started later by whatever
// finished before it, in that code's context; a worker's result arrives in the worker's message event. So a task
// remembers its submitter's context as an AsyncResource (what piscina does for every task), and the pool runs the
// task's function and callbacks inside it.
//
// That costs an object per task, so it is paid only while AsyncLocalStorage is in use. On Node 20 and 22 an
// AsyncLocalStorage keeps its stores on async resources and, once used, turns on async hooks: until then no store
// exists anywhere and there is nothing to keep. A hooked promise carries an async id, so a fresh Promise.resolve()
// tells whether hooks are on (about 10 ns, and a short-lived promise); once they are, the answer is kept and the probe
// stops. Cheaper tests are wrong: executionAsyncResource() stays the same object across AsyncLocalStorage.run()
// calls (run() swaps the store on it in place), so "capture only when the resource changed" mixes up contexts, and
// its store symbols cost more to list than the probe. On runtimes whose AsyncLocalStorage does not use async hooks
// (AsyncContextFrame, Node ≥ 24), every task captures.
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';

/** A task's submitter context, with whatever the task needs kept beside it (the async engine's function). */
export class SubmitContext extends AsyncResource {
  constructor(readonly payload: unknown) {
    super('@poolbench/home.task');
  }
}

const storesOnResources = typeof (AsyncLocalStorage.prototype as { _propagate?: unknown })._propagate === 'function';
const asyncIdSymbol = storesOnResources
  ? Object.getOwnPropertySymbols(new AsyncResource('@poolbench/home.probe')).find((s) => s.description === 'async_id_symbol')
  : undefined;

/** True once AsyncLocalStorage may hold a store (or whenever that cannot be told): from then on tasks capture. */
export let contextInUse = asyncIdSymbol === undefined;

/** A resource made while no store existed anywhere: the context of tasks submitted before any store existed. */
let emptyRoot: AsyncResource | null = null;

/** Checks whether AsyncLocalStorage has come into use (async hooks on). Public entry points call it. */
export function refreshContext(): boolean {
  if (!contextInUse) {
    if (Object.hasOwn(Promise.resolve(), asyncIdSymbol!)) contextInUse = true;
    else emptyRoot ??= new AsyncResource('@poolbench/home.empty');
  }
  return contextInUse;
}

/** The current context to keep with a task, or null when no AsyncLocalStorage is in use (nothing to keep). */
export function captureContext(payload: unknown): SubmitContext | null {
  return contextInUse || refreshContext() ? new SubmitContext(payload) : null;
}

const newEmptyScope = (): AsyncResource => new AsyncResource('@poolbench/home.empty');

/**
 * Where code of a task that captured nothing must run once AsyncLocalStorage is in use: a context with no store (its
 * submitter had none). A fresh one each time, so a task calling enterWith() cannot leave a store for the next.
 */
export function emptyScope(): AsyncResource {
  return emptyRoot ? emptyRoot.runInAsyncScope(newEmptyScope) : newEmptyScope();
}

/** The scope to run a task's code in: its own context, or an empty one. Call only when `context !== null || contextInUse`. */
export function scopeOf(context: SubmitContext | null): AsyncResource {
  return context ?? emptyScope();
}
