/**
 * A daemon group's `shards: N`: the load split as a sharded run's (probes/load/plan.ts shardShare), each shard in
 * its own worker thread so N cores generate load, and the shards' histograms merged exactly as `probe merge` does.
 */
import { mergeLatencies, type ShardLatency } from '../../src/report/merge.js';
import { runLoadOffThread } from './offthread.js';
import { resolvePlan } from './params.js';
import { shardShare } from './plan.js';
import type { EngineHooks, EngineResult, LoadProbeParams } from './types.js';

export async function runInProcessShards(
  params: LoadProbeParams,
  count: number,
  budgetMs: number | undefined,
  hooks: EngineHooks,
): Promise<EngineResult> {
  const plans = Array.from({ length: count }, (_, i) => resolvePlan(shardShare(params, { index: i + 1, count }), budgetMs));
  const results = await Promise.all(plans.map((plan) => runLoadOffThread(plan, { signal: hooks.signal })));
  const failures = results.flatMap((r, i) => (r.failure ? [`shard ${i + 1}: ${r.failure}`] : []));
  const parts: ShardLatency[] = [];
  for (const [i, r] of results.entries()) {
    const { histogram, span } = r.latency;
    if (typeof histogram === 'string' && span && typeof span === 'object' && !Array.isArray(span)) {
      parts.push({
        label: `shard ${i + 1}`,
        latency: { ...r.latency, histogram, span: { startMs: Number(span['startMs']), endMs: Number(span['endMs']) } },
      });
    } else if (!r.failure) failures.push(`shard ${i + 1}: no histogram to merge`);
  }
  if (parts.length === 0) return { latency: results[0].latency, stopped: null, failure: failures.join('; ') || 'no shard ran' };
  const { histogram: _histogram, span: _span, ...latency } = mergeLatencies(parts, plans[0].percentiles);
  return {
    latency: { ...latency, shards: count },
    stopped: results.find((r) => r.stopped)?.stopped ?? null,
    failure: failures.length > 0 ? failures.join('; ') : null,
  };
}
