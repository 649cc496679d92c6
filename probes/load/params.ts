/** Load probe parameters: the runbook's defaults, building them from config, and resolving them into a plan. */
import { z } from 'zod';
import type { LoadPlanInput } from './settings.js';
import { UsageError } from '../../src/model/errors.js';
import { parseThreshold, percentilesNeeded } from '../../src/model/thresholds.js';
import { shardProblem } from '../../src/model/shard.js';
import type { LoadPlan, LoadProbeParams, ResolvedRequest } from './types.js';

/** Scenario 3's check: `ab -n 100 -c 10 http://localhost:8000/v1/papers?limit=10` */
export const LOAD_DEFAULTS = {
  path: '/v1/papers?limit=10',
  connections: 10,
  amount: 100,
  timeoutMs: 10_000,
  /** as the HTTP probe's endpoint default: what one response may bring before it counts as an error */
  maxBodyBytes: 1_048_576,
  abortOnErrorRate: 0.5,
  abortMinSamples: 50,
} as const;

const loadRequest = z.object({
  path: z.string(),
  method: z.string().optional(),
  headers: z.record(z.string()).optional(),
  body: z.string().optional(),
});

/** The shape only: ranges, caps and thresholds are checked by resolvePlan and the guardrails, with their own codes. */
export const loadParams: z.ZodType<LoadProbeParams, z.ZodTypeDef, unknown> = z.object({
  target: z.string(),
  requests: z.array(loadRequest),
  connections: z.number(),
  amount: z.number().optional(),
  durationMs: z.number().optional(),
  rate: z.number().optional(),
  timeoutMs: z.number(),
  maxBodyBytes: z.number().optional(),
  abortOnErrorRate: z.number(),
  abortMinSamples: z.number(),
  thresholds: z.array(z.string()).optional(),
  percentiles: z.array(z.number()).optional(),
  offThread: z.boolean().optional(),
  shards: z.number().optional(),
  shard: z
    .object({
      index: z.number(),
      count: z.number(),
      totals: z.object({ connections: z.number(), amount: z.number().nullable(), rate: z.number().nullable() }),
    })
    .optional(),
});

export interface LoadOverrides {
  connections?: number | undefined;
  amount?: number | undefined;
  durationMs?: number | undefined;
  rate?: number | undefined;
  thresholds?: readonly string[] | undefined;
  /** endpoint name; defaults to config.load.endpoint */
  endpoint?: string | undefined;
  offThread?: boolean | undefined;
}

/** Params from config.load, its named endpoint and command-line overrides (an --amount or --duration replaces both). */
export function loadParamsFromConfig(config: LoadPlanInput, overrides: LoadOverrides = {}): LoadProbeParams {
  const load = config.load;
  const name = overrides.endpoint ?? load.endpoint;
  const endpoint = config.endpoints.find((e) => e.name === name);
  if (!endpoint) {
    const known = config.endpoints.map((e) => e.name).join(', ');
    throw new UsageError('RP_ERR_CONFIG_INVALID', `load.endpoint: no endpoint named "${name}" (known: ${known})`);
  }
  const headers: Record<string, string> = { ...endpoint.headers };
  let body: string | undefined;
  if (typeof endpoint.body === 'string') body = endpoint.body;
  else if (endpoint.body !== undefined) {
    body = JSON.stringify(endpoint.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const sizeFromCli = overrides.amount !== undefined || overrides.durationMs !== undefined;
  const amount = sizeFromCli ? overrides.amount : load.amount;
  const durationMs = sizeFromCli ? overrides.durationMs : load.duration;
  const thresholds = [...(overrides.thresholds ?? load.thresholds)];
  return {
    target: config.target,
    requests: [{ path: endpoint.path, method: endpoint.method, headers, ...(body !== undefined ? { body } : {}) }],
    connections: overrides.connections ?? load.connections,
    ...(amount !== undefined ? { amount } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...((overrides.rate ?? load.rate) !== undefined ? { rate: overrides.rate ?? load.rate } : {}),
    timeoutMs: load.timeout,
    maxBodyBytes: endpoint.maxBodyBytes,
    abortOnErrorRate: load.abortOnErrorRate,
    abortMinSamples: load.abortMinSamples,
    thresholds,
    percentiles: percentilesNeeded(thresholds),
    ...(overrides.offThread !== undefined ? { offThread: overrides.offThread } : {}),
  };
}

/**
 * A probe timeout that lets the run finish: the duration plus one request timeout, or for an amount the worst case
 * of every connection waiting the full timeout for each of its requests. The runner's timeout must not cut a run short.
 */
export function suggestedLoadTimeoutMs(params: LoadProbeParams): number {
  const slack = params.timeoutMs + 5_000;
  if (params.durationMs !== undefined) return params.durationMs + slack;
  const amount = params.amount ?? LOAD_DEFAULTS.amount;
  if (params.rate) return Math.ceil((amount / params.rate) * 1000) + slack;
  return Math.ceil(amount / Math.max(1, params.connections)) * params.timeoutMs + slack;
}

function positive(name: string, value: number | undefined, integer: boolean): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError('RP_ERR_USAGE', `load ${name} must be a positive ${integer ? 'whole number' : 'number'}, got ${String(value)}`);
  }
}

/**
 * The run's own deadline inside the caller's budget: the run ends a little before the budget (leaving time to report),
 * and no single request may wait longer than 90 % of that, so a request that never gets an answer is counted as a
 * timeout instead of being cut off uncounted when the budget runs out (a hung API must read as 100 % errors).
 */
export function boundedByBudget(timeoutMs: number, budgetMs: number | undefined): { timeoutMs: number; deadlineMs: number | null } {
  if (budgetMs === undefined || !Number.isFinite(budgetMs)) return { timeoutMs, deadlineMs: null };
  const windDown = Math.min(1_000, Math.max(50, budgetMs * 0.1));
  const deadlineMs = Math.max(1, Math.floor(budgetMs - windDown));
  return { timeoutMs: Math.min(timeoutMs, Math.max(1, Math.floor(deadlineMs * 0.9))), deadlineMs };
}

/**
 * Validates params and resolves every request against the target; throws UsageError on bad input.
 * `budgetMs` is the time the caller allows the whole run (the runner's probe timeout): see boundedByBudget.
 */
export function resolvePlan(params: LoadProbeParams, budgetMs?: number): LoadPlan {
  let base: URL;
  try {
    base = new URL(params.target);
  } catch {
    throw new UsageError('RP_ERR_USAGE', `load target "${params.target}" is not an absolute URL`);
  }
  if (!Array.isArray(params.requests) || params.requests.length === 0) throw new UsageError('RP_ERR_USAGE', 'load needs at least one request');
  positive('connections', params.connections, true);
  positive('amount', params.amount, true);
  positive('durationMs', params.durationMs, false);
  positive('rate', params.rate, false);
  positive('timeoutMs', params.timeoutMs, false);
  positive('maxBodyBytes', params.maxBodyBytes, true);
  positive('abortMinSamples', params.abortMinSamples, true);
  if (params.shards !== undefined && shardProblem(1, params.shards))
    throw new UsageError('RP_ERR_USAGE', `load shards: ${shardProblem(1, params.shards)}`);
  if (params.shard) {
    const problem = shardProblem(params.shard.index, params.shard.count);
    if (problem) throw new UsageError('RP_ERR_USAGE', `load shard: ${problem}`);
  }
  if (!(params.abortOnErrorRate >= 0 && params.abortOnErrorRate <= 1)) {
    throw new UsageError('RP_ERR_USAGE', `load abortOnErrorRate must be between 0 and 1, got ${String(params.abortOnErrorRate)}`);
  }
  const requests: ResolvedRequest[] = params.requests.map((r) => {
    // resolved like the HTTP probe resolves endpoint paths, so both hit the same URL
    const url = new URL(r.path, base);
    if (url.origin !== base.origin) throw new UsageError('RP_ERR_USAGE', `load request "${r.path}" leaves the target ${base.origin}`);
    return { path: url.pathname + url.search, method: (r.method ?? 'GET').toUpperCase(), headers: { ...(r.headers ?? {}) }, body: r.body };
  });
  for (const t of params.thresholds ?? []) parseThreshold(t);
  const noSize = params.amount === undefined && params.durationMs === undefined;
  return {
    origin: base.origin,
    requests,
    connections: params.connections,
    amount: params.amount ?? (noSize ? LOAD_DEFAULTS.amount : null),
    durationMs: params.durationMs ?? null,
    rate: params.rate ?? null,
    ...boundedByBudget(params.timeoutMs, budgetMs),
    maxBodyBytes: params.maxBodyBytes ?? LOAD_DEFAULTS.maxBodyBytes,
    abortOnErrorRate: params.abortOnErrorRate,
    abortMinSamples: params.abortMinSamples,
    abortThresholds: [...(params.thresholds ?? [])],
    percentiles: [...(params.percentiles ?? [])].filter((p) => Number.isFinite(p) && p >= 0 && p <= 100),
    ...(params.shard ? { sharded: true } : {}),
  };
}
