/**
 * The load probe as a scenario plans it: params from config and command line, the guardrails checked before any
 * traffic (a bad request is a usage error now, not a failed run), and a probe timeout that lets the run finish.
 */
import type { LoadPlanInput } from './settings.js';
import { checkLoadGuardrails } from './guardrails.js';
import { loadParamsFromConfig, suggestedLoadTimeoutMs, type LoadOverrides } from './params.js';
import type { LoadProbeParams } from './types.js';
import { shareOfConnections, shareOfCount, shareOfRate, type ShardId } from '../../src/model/shard.js';

/**
 * Shard I of N takes its share of the connections, the amount and the rate; the duration and thresholds stay whole.
 * The guardrails judge the whole run (N shards against one API are one load), so they are checked before the split.
 */
export function shardShare(params: LoadProbeParams, shard: ShardId): LoadProbeParams {
  const totals = { connections: params.connections, amount: params.amount ?? null, rate: params.rate ?? null };
  return {
    ...params,
    connections: shareOfConnections(params.connections, shard),
    ...(params.amount !== undefined ? { amount: shareOfCount(params.amount, shard) } : {}),
    ...(params.rate !== undefined ? { rate: shareOfRate(params.rate, shard) } : {}),
    shard: { ...shard, totals },
  };
}

export function planLoad(config: LoadPlanInput, overrides: LoadOverrides & { shard?: ShardId }): { params: LoadProbeParams; timeoutMs: number } {
  const { shard, ...rest } = overrides;
  const whole = loadParamsFromConfig(config, rest);
  checkLoadGuardrails(
    { connections: whole.connections, rate: whole.rate, durationMs: whole.durationMs, amount: whole.amount },
    config.load.caps,
    new URL(whole.target),
    config.load.allowedHosts,
    config.target,
  );
  const params = shard ? shardShare(whole, shard) : whole;
  return { params, timeoutMs: suggestedLoadTimeoutMs(params) };
}
