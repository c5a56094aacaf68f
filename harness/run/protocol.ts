// Messages between the runner (parent) and one measured child process, over the fork IPC channel.
import type { Scenario } from '../../scenarios/schema.js';
import type { Applied } from '../../impls/types.js';
import { type RunSample } from '../results/schema.js';

export interface ChildRequest {
  scenario: Scenario;
  implementation: string;
  threads: number;
  /** Record per-task latency (default true); false only to measure what recording costs. */
  latency?: boolean;
  /** Test fixtures only: a compiled module whose export named `implementation` is the adapter. */
  adapterModule?: string;
}

export type ChildReply =
  | { type: 'measured'; applied: Applied; sample: RunSample }
  | { type: 'failed'; reason: string };

/** Sent about once a second while tasks run, so a run killed for its time limit can say how far it got. */
export interface ChildProgress {
  type: 'progress';
  phase: 'warm-up' | 'run';
  settled: number;
  tasks: number;
}
