/**
 * Sharded load runs whose shards post their results to the daemon (the Kubernetes Indexed Job's pods). A run is
 * merged once all its shards arrived, or at its deadline (counted from its first shard) with the missing ones listed
 * and the run marked incomplete. Kept in memory, the last few runs only: a run's verdict is read right after it
 * ends, and its figures stay in /metrics for the last few runs.
 */
import { isProbeError, errorMessage } from '../model/errors.js';
import type { MergeInfo } from '../model/shard.js';
import type { LatestResult, MetricSample, ProbeResult, RunReport } from '../model/types.js';
import { parseShardResult, readShardSet, type ShardInput } from '../report/merge-input.js';

export type MergedRun = RunReport & { merge: MergeInfo };

export type LoadRunStatus = 'collecting' | 'complete' | 'incomplete' | 'failed';

export interface LoadRunView {
  run: string;
  status: LoadRunStatus;
  count: number;
  received: number[];
  missing: number[];
  firstShardAt: string;
  deadlineAt: string;
  mergedAt: string | null;
  passed: boolean | null;
  /** why the merge itself failed (status `failed`) */
  error?: string;
  /** the merged result (GET /api/load-runs/{run} only) */
  result?: MergedRun | null;
}

interface Entry {
  run: string;
  count: number;
  inputs: Map<number, ShardInput>;
  firstShardAt: number;
  deadlineAt: number;
  timer: NodeJS.Timeout | undefined;
  status: LoadRunStatus;
  mergedAt: number | null;
  result: MergedRun | null;
  error?: string;
}

export interface LoadRunStoreOptions {
  deadlineMs(): number;
  /** merges and judges (thresholds, findings, verdict); a partial set when the deadline passed */
  merge(inputs: ShardInput[]): MergedRun;
  /** loads what `merge` needs; awaited before the first shard is accepted, so a daemon that never sees one never loads it */
  prepare?(): Promise<void>;
  onMerged(view: LoadRunView): void;
  now?: () => number;
}

/** runs kept for the API; the oldest finished one leaves first */
export const KEEP_RUNS = 20;
/** runs whose figures /metrics carries (the `run` label stays bounded) */
export const METRIC_RUNS = 5;

export type Accepted = { status: number; body: unknown };

const refused = (status: number, code: string, message: string): Accepted => ({ status, body: { error: { code, message } } });

export class LoadRunStore {
  private readonly runs = new Map<string, Entry>();
  private readonly now: () => number;
  private prepared: Promise<void> | undefined;

  constructor(private readonly options: LoadRunStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Resolves once `accept` can merge: the caller awaits it before accepting a shard. */
  ready(): Promise<void> {
    this.prepared ??= this.options.prepare?.() ?? Promise.resolve();
    return this.prepared;
  }

  /** One shard's result, as posted to /api/load-runs/{run}/shards/{index}. */
  accept(run: string, index: number, value: unknown): Accepted {
    const source = `shard ${index} of run ${run}`;
    let parsed;
    try {
      parsed = parseShardResult({ source, value });
    } catch (err) {
      return refused(400, isProbeError(err) ? err.code : 'RP_ERR_SHARD_INVALID', errorMessage(err));
    }
    const id = parsed.result.shard;
    if (id.run !== run || id.index !== index) {
      return refused(400, 'RP_ERR_SHARD_MIXED', `the body is shard ${id.index}/${id.count} of run ${id.run}, posted as ${source}`);
    }
    let entry = this.runs.get(run);
    if (entry && entry.status !== 'collecting') {
      return refused(409, 'RP_ERR_SHARD_MIXED', `run ${run} was already merged (${entry.status}); start a new run with another run id`);
    }
    const input = { source, value };
    try {
      readShardSet([...(entry?.inputs.values() ?? []), input], { allowMissing: true });
    } catch (err) {
      return refused(409, isProbeError(err) ? err.code : 'RP_ERR_SHARD_MIXED', errorMessage(err));
    }
    if (!entry) {
      if (!this.makeRoom()) return refused(503, 'RP_ERR_API_REQUEST', `${KEEP_RUNS} load runs are still collecting shards; try again later`);
      const now = this.now();
      const deadlineMs = this.options.deadlineMs();
      entry = {
        run,
        count: id.count,
        inputs: new Map(),
        firstShardAt: now,
        deadlineAt: now + deadlineMs,
        timer: undefined,
        status: 'collecting',
        mergedAt: null,
        result: null,
      };
      const created = entry;
      created.timer = setTimeout(() => this.finish(created), deadlineMs);
      created.timer.unref();
      this.runs.set(run, entry);
    }
    entry.inputs.set(index, input);
    if (entry.inputs.size === entry.count) this.finish(entry);
    return { status: entry.status === 'collecting' ? 202 : 200, body: this.view(entry, true) };
  }

  get(run: string): LoadRunView | undefined {
    const entry = this.runs.get(run);
    return entry && this.view(entry, true);
  }

  /** newest first */
  list(): LoadRunView[] {
    return [...this.runs.values()].reverse().map((e) => this.view(e, false));
  }

  /** The merged runs /metrics shows: latency quantiles and the verdict, for the last METRIC_RUNS runs only. */
  series(): MetricSample[] {
    const merged = [...this.runs.values()].filter((e) => e.result !== null).sort((a, b) => (b.mergedAt ?? 0) - (a.mergedAt ?? 0));
    return merged.slice(0, METRIC_RUNS).flatMap((e) => runSeries(e.run, e.result!));
  }

  /**
   * The latest merged run as a result the daemon's evaluation reads: its threshold finding (if any) joins the
   * diagnosis and so the incidents, for as long as the rolling window keeps fresh results.
   */
  latestResult(): LatestResult[] {
    const last = [...this.runs.values()].filter((e) => e.result !== null).sort((a, b) => (b.mergedAt ?? 0) - (a.mergedAt ?? 0))[0];
    if (!last?.result) return [];
    const r = last.result;
    const result: ProbeResult = {
      name: 'load-run',
      kind: 'load',
      status: r.passed ? 'pass' : 'fail',
      durationMs: r.durationMs,
      metrics: { run: last.run, complete: r.merge.complete, requests: r.latency?.requests ?? 0, p95Ms: r.latency?.p95Ms ?? null },
      findings: r.findings.filter((f) => f.cause === 'load_threshold_failed'),
    };
    return [{ result, finishedAt: last.mergedAt ?? this.now() }];
  }

  close(): void {
    for (const entry of this.runs.values()) clearTimeout(entry.timer);
  }

  private finish(entry: Entry): void {
    if (entry.status !== 'collecting') return;
    clearTimeout(entry.timer);
    entry.mergedAt = this.now();
    try {
      entry.result = this.options.merge([...entry.inputs.values()]);
      entry.status = entry.result.merge.complete ? 'complete' : 'incomplete';
    } catch (err) {
      entry.status = 'failed';
      entry.error = errorMessage(err);
    }
    this.options.onMerged(this.view(entry, false));
  }

  /** Room for one more run: the oldest finished run leaves; none can while KEEP_RUNS are still collecting. */
  private makeRoom(): boolean {
    if (this.runs.size < KEEP_RUNS) return true;
    const oldest = [...this.runs.values()].find((e) => e.status !== 'collecting');
    if (!oldest) return false;
    this.runs.delete(oldest.run);
    return true;
  }

  private view(entry: Entry, withResult: boolean): LoadRunView {
    const received = [...entry.inputs.keys()].sort((a, b) => a - b);
    return {
      run: entry.run,
      status: entry.status,
      count: entry.count,
      received,
      missing: Array.from({ length: entry.count }, (_, i) => i + 1).filter((i) => !entry.inputs.has(i)),
      firstShardAt: new Date(entry.firstShardAt).toISOString(),
      deadlineAt: new Date(entry.deadlineAt).toISOString(),
      mergedAt: entry.mergedAt === null ? null : new Date(entry.mergedAt).toISOString(),
      passed: entry.result?.passed ?? (entry.status === 'failed' ? false : null),
      ...(entry.error !== undefined ? { error: entry.error } : {}),
      ...(withResult ? { result: entry.result } : {}),
    };
  }
}

const QUANTILES: [string, 'p50Ms' | 'p90Ms' | 'p95Ms' | 'p99Ms'][] = [
  ['0.5', 'p50Ms'],
  ['0.9', 'p90Ms'],
  ['0.95', 'p95Ms'],
  ['0.99', 'p99Ms'],
];

function runSeries(run: string, result: MergedRun): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const [quantile, key] of QUANTILES) {
    const ms = result.latency?.[key];
    if (typeof ms === 'number') {
      samples.push({
        name: 'probe_latency_seconds',
        help: 'Load probe latency quantiles of the last run',
        value: ms / 1000,
        labels: { quantile, run },
      });
    }
  }
  samples.push({
    name: 'probe_load_run_passed',
    help: 'Merged sharded load run: 1 when it passed its gate, 0 when it failed or is incomplete',
    value: result.passed ? 1 : 0,
    labels: { run },
  });
  return samples;
}
