/**
 * Merges a sharded load run's shard results into one result, as if one process had run the whole load: counts add
 * up, percentiles come from the sum of the shards' HDR histograms (exact to the histogram's own ±0.1 %, never an
 * average of percentiles), rps is all requests over the union of the shards' wall-clock spans. The shards are read
 * in index order and every figure is a pure function of their contents, so any input order gives the same bytes.
 */
import { encodeHistogram, latencyFigures, newLatencyHistogram, round, addEncodedHistogram } from '../model/latency-histogram.js';
import { UsageError } from '../model/errors.js';
import { evaluateThresholds, percentilesNeeded } from '../model/thresholds.js';
import type { MergeInfo } from '../model/shard.js';
import type { LatencySummary, MetricRecord, ProbeResult, ProbeStatus, RunReport } from '../model/types.js';
import { readShardSet, type ParsedShard, type ShardInput, type ShardResult } from './merge-input.js';

export type { ShardInput } from './merge-input.js';

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Adds count maps (statusCounts, transportErrorCodes, ...) with keys in a fixed order. */
function addCounts(records: readonly unknown[]): Record<string, number> {
  const sum = new Map<string, number>();
  for (const record of records) {
    if (!record || typeof record !== 'object' || Array.isArray(record)) continue;
    for (const [k, v] of Object.entries(record as Record<string, unknown>)) sum.set(k, (sum.get(k) ?? 0) + num(v));
  }
  return Object.fromEntries([...sum].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Total length of the union of [start, end] intervals, in ms. */
export function unionMs(spans: readonly { startMs: number; endMs: number }[]): number {
  const sorted = spans.filter((s) => s.endMs >= s.startMs).sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  let total = 0;
  let open: { startMs: number; endMs: number } | null = null;
  for (const s of sorted) {
    if (open && s.startMs <= open.endMs) open.endMs = Math.max(open.endMs, s.endMs);
    else {
      if (open) total += open.endMs - open.startMs;
      open = { ...s };
    }
  }
  return open ? total + open.endMs - open.startMs : total;
}

/** One shard's latency block as the merge reads it: a load summary with its encoded histogram and wall-clock span. */
export interface ShardLatency {
  /** for messages: `shard 2`, a file name */
  label: string;
  latency: ShardResult['latency'];
}

/**
 * The latency block of the whole run from the shards' blocks: what `probe merge`, the daemon's /api/load-runs and a
 * daemon group's `shards: N` all use.
 */
export function mergeLatencies(shards: readonly ShardLatency[], percentiles: readonly number[]): LatencySummary {
  const latencies = shards.map((s) => s.latency);
  const sum = (key: string): number => latencies.reduce((total, l) => total + num(l[key]), 0);
  const histogram = newLatencyHistogram();
  try {
    for (const s of shards) {
      const added = addEncodedHistogram(histogram, s.latency.histogram);
      if ('problem' in added) throw new UsageError('RP_ERR_SHARD_INVALID', `${s.label}: ${added.problem}`);
    }
    const requests = sum('requests');
    const errors = sum('errors');
    const spans = latencies.map((l) => l.span);
    const spanMs = unionMs(spans);
    const first = latencies[0];
    const aborted = shards.filter((s) => s.latency['aborted'] === true);
    return {
      requests,
      errors,
      timeouts: sum('timeouts'),
      errorRate: requests === 0 ? 0 : round(errors / requests, 6),
      rps: spanMs > 0 ? round((requests * 1000) / spanMs, 2) : 0,
      ...latencyFigures(histogram, percentiles),
      warmupExcluded: sum('warmupExcluded'),
      non2xx: sum('non2xx'),
      httpErrors: sum('httpErrors'),
      transportErrors: sum('transportErrors'),
      statusCounts: addCounts(latencies.map((l) => l['statusCounts'])),
      transportErrorCodes: addCounts(latencies.map((l) => l['transportErrorCodes'])),
      rejectedResponses: sum('rejectedResponses'),
      rejectedCodes: addCounts(latencies.map((l) => l['rejectedCodes'])),
      elapsedMs: round(Math.max(...spans.map((s) => s.endMs)) - Math.min(...spans.map((s) => s.startMs)), 1),
      spanUnionMs: round(spanMs, 1),
      span: { startMs: Math.min(...spans.map((s) => s.startMs)), endMs: Math.max(...spans.map((s) => s.endMs)) },
      countedAs: {
        ...(first['countedAs'] as MetricRecord | undefined),
        rps: 'requests of all shards / the union of the shards’ spans (first send to last completion)',
      },
      mode: typeof first['mode'] === 'string' ? first['mode'] : null,
      targetRate: latencies.some((l) => typeof l['targetRate'] === 'number') ? round(sum('targetRate'), 6) : null,
      plannedRequests: latencies.some((l) => typeof l['plannedRequests'] === 'number') ? sum('plannedRequests') : null,
      timeoutMs: typeof first['timeoutMs'] === 'number' ? first['timeoutMs'] : null,
      ...(latencies.some((l) => typeof l['droppedSends'] === 'number') ? { droppedSends: sum('droppedSends') } : {}),
      ...(latencies.some((l) => typeof l['maxSendLagMs'] === 'number')
        ? { maxSendLagMs: Math.max(...latencies.map((l) => num(l['maxSendLagMs']))) }
        : {}),
      connections: sum('connections'),
      aborted: aborted.length > 0,
      abortReason: aborted.length > 0 ? aborted.map((s) => `${s.label}: ${String(s.latency['abortReason'])}`).join('; ') : null,
      histogram: encodeHistogram(histogram),
    };
  } finally {
    histogram.destroy();
  }
}

/** One probe line per shard: its own load outcome, so a shard that failed or erred is visible and fails the merge. */
function shardProbe(shard: ParsedShard): ProbeResult {
  const { index, count } = shard.result.shard;
  const probes = Array.isArray(shard.result['probes']) ? (shard.result['probes'] as ProbeResult[]) : [];
  const load = probes.find((p) => p && typeof p === 'object' && p.kind === 'load');
  const status: ProbeStatus = load && ['pass', 'fail', 'skipped', 'error'].includes(load.status) ? load.status : 'pass';
  const l = shard.result.latency;
  return {
    name: `load shard ${index}/${count}`,
    kind: 'load',
    status,
    durationMs: round(l.span.endMs - l.span.startMs, 3),
    metrics: { requests: l.requests, errors: l.errors, timeouts: l.timeouts, rps: num(l['rps']), p95Ms: (l['p95Ms'] as number | null) ?? null },
    ...(load?.error ? { error: load.error } : {}),
  };
}

export interface MergeOptions {
  /** --threshold values: they replace the thresholds the shards ran with (as on a scenario run) */
  thresholds?: readonly string[];
  /** a deadline merge: go ahead without the shards that never reported (the run is then incomplete and fails) */
  allowMissing?: boolean;
}

/**
 * The merged run as a report: `passed` holds when every threshold holds on the merged figures, every shard's load
 * ran to its end, and no shard is missing. Diagnosis (findings, severity) is the caller's: it needs the config.
 */
export function mergeShards(inputs: readonly ShardInput[], options: MergeOptions = {}): RunReport & { merge: MergeInfo } {
  const { shards, identity, missing } = readShardSet(inputs, options);
  const settingsThresholds = Array.isArray(identity.settings['thresholds']) ? identity.settings['thresholds'].map(String) : [];
  const thresholds = options.thresholds && options.thresholds.length > 0 ? [...options.thresholds] : settingsThresholds;
  const parts = shards.map((s) => ({ label: `shard ${s.result.shard.index}`, latency: s.result.latency }));
  const latency = mergeLatencies(parts, percentilesNeeded(thresholds));
  const probes = shards.map(shardProbe);
  const results = evaluateThresholds(thresholds, latency);
  const first = shards[0].result;
  const startedAt = shards.map((s) => s.result.startedAt).sort()[0];
  const merge: MergeInfo = {
    run: identity.run,
    count: identity.count,
    shards: shards.map((s) => s.result.shard.index),
    missing,
    complete: missing.length === 0,
    startAt: identity.startAt,
    settings: identity.settings,
  };
  return {
    scenario: first.scenario,
    target: first.target,
    startedAt,
    durationMs: num(latency['elapsedMs']),
    passed: missing.length === 0 && probes.every((p) => p.status === 'pass') && results.every((t) => t.ok),
    severity: null,
    probes,
    latency,
    findings: [],
    thresholds: results,
    merge,
  };
}
