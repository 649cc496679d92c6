/** Shapes shared by the load probe, its engine and the worker that may host the engine. */
import type { LatencySummary } from '../../src/model/types.js';

export interface LoadRequest {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadProbeParams {
  /** origin (and optional base path) of the API; request paths resolve against it */
  target: string;
  /** sent round-robin; at least one */
  requests: LoadRequest[];
  connections: number;
  /** total requests; when neither amount nor durationMs is set the run is `ab -n 100` */
  amount?: number;
  durationMs?: number;
  /** fixed arrival rate in requests per second; latency is then measured from each request's intended send time */
  rate?: number;
  /** per-request timeout (bounded by the run's own budget: see resolvePlan) */
  timeoutMs: number;
  /** bytes read at most per response; a longer body is an error (RP_ERR_BODY_TOO_LARGE). Default 1 MiB. */
  maxBodyBytes?: number;
  /** stop early when, after abortMinSamples requests, the error rate exceeds this (0..1) */
  abortOnErrorRate: number;
  abortMinSamples: number;
  /** thresholds (k6 grammar); the ones marked `:abortOnFail` stop the run as soon as they fail mid-run */
  thresholds?: string[];
  /** extra percentiles to keep in `latency.percentilesMs` (e.g. 99.9 for `p(99.9)<...`); see percentilesNeeded() */
  percentiles?: number[];
  /** run the load generator in a worker thread so the caller's event loop stays responsive */
  offThread?: boolean;
  /**
   * This run is one shard of a larger run: connections, amount and rate above are its share of `totals`. Its result
   * then carries its histogram and wall-clock span for the merge, and a fixed-rate run sends no unmeasured warm-up
   * (every request the target sees is counted, so the shards' counts add up to the target's).
   */
  shard?: ShardOfRun;
  /**
   * Run the load as this many shards, each in its own worker thread with its share of connections, amount and rate,
   * and merge their histograms (a daemon group's `shards: N`): more than one core's worth of load from one pod.
   */
  shards?: number;
}

export interface ShardOfRun {
  index: number;
  count: number;
  totals: { connections: number; amount: number | null; rate: number | null };
}

/** What the engine needs, fully resolved (no defaults left to guess). */
export interface LoadPlan {
  origin: string;
  requests: ResolvedRequest[];
  connections: number;
  amount: number | null;
  durationMs: number | null;
  rate: number | null;
  timeoutMs: number;
  maxBodyBytes: number;
  /** the run ends here (ms from its start) so its outcome is reported within the caller's budget; null: no budget */
  deadlineMs: number | null;
  abortOnErrorRate: number;
  abortMinSamples: number;
  abortThresholds: string[];
  percentiles: number[];
  /** one shard of a larger run (see LoadProbeParams.shard): keep the histogram, no warm-up */
  sharded?: boolean;
}

export interface ResolvedRequest {
  /** path plus query, resolved against the target */
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export interface EngineHooks {
  signal: AbortSignal;
  onProgress?: (event: { done: number; total: number | null; elapsedMs: number; errors: number }) => void;
}

/** Why a run ended before its planned end. */
export type StopReason = { kind: 'error-rate' | 'threshold' | 'signal'; message: string };

export interface EngineResult {
  latency: LatencySummary;
  stopped: StopReason | null;
  /** the generator itself failed (bad options, crashed) */
  failure: string | null;
}

export interface Driver {
  /** resolves with a failure message, or null when the generator ended normally */
  readonly done: Promise<string | null>;
  /** stops sending now; in-flight requests are cut off and not counted */
  stop(): void;
  /** facts about the run only the driver knows (dropped sends, send lag) */
  facts(): Record<string, number | string>;
}
