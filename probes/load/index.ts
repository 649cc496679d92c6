/**
 * The load probe: the runbook's Scenario 3 check (`ab -n 100 -c 10 …/v1/papers?limit=10`) with exact percentiles.
 * Closed-loop load runs on our own HTTP/1.1 lanes (http1-driver.ts), a fixed arrival rate (`rate`) on our undici
 * driver; both count every attempt (autocannon's client keeps each response body whole and silently reconnects when
 * a server closes without an answer, so a huge body or a dead API went unseen). Latency is always measured by us (see probes/load/recorder.ts
 * for how errors and timeouts count). Thresholds are evaluated by the caller, except `:abortOnFail` ones.
 */
import { ProbeError, isProbeError, errorMessage } from '../../src/model/errors.js';
import type { LatencySummary, MetricRecord, MetricSample } from '../../src/model/types.js';
import { runLoadEngine } from './engine.js';
import { checkLoadGuardrails } from './guardrails.js';
import { runLoadOffThread } from './offthread.js';
import { runInProcessShards } from './in-process-shards.js';
import { loadParams, resolvePlan } from './params.js';
import type { EngineResult, LoadPlan, LoadProbeParams } from './types.js';
import type { ProbeContext, ProbeKind, ProbeOutcome } from '../types.js';
import { loadSettings, type LoadSettings } from './settings.js';

export type { LoadProbeParams, LoadRequest } from './types.js';
export { LOAD_DEFAULTS, loadParams, loadParamsFromConfig, suggestedLoadTimeoutMs } from './params.js';
export { checkLoadGuardrails, isLoopbackHost } from './guardrails.js';

const QUANTILES: [string, keyof LatencySummary][] = [
  ['0.5', 'p50Ms'],
  ['0.9', 'p90Ms'],
  ['0.95', 'p95Ms'],
  ['0.99', 'p99Ms'],
];

function loadSeries(latency: LatencySummary): MetricSample[] {
  const series: MetricSample[] = [];
  for (const [quantile, key] of QUANTILES) {
    const ms = latency[key];
    if (typeof ms === 'number') {
      // `run` names a merged sharded run (the daemon's /api/load-runs); empty here, which Prometheus reads as absent
      series.push({
        name: 'probe_latency_seconds',
        help: 'Load probe latency quantiles of the last run',
        value: ms / 1000,
        labels: { quantile, run: '' },
      });
    }
  }
  const count = (v: unknown): number => (typeof v === 'number' ? v : 0);
  const outcomes: Record<string, number> = {
    success: latency.requests - latency.errors,
    error: count(latency.httpErrors) + count(latency.transportErrors) + count(latency.rejectedResponses),
    timeout: latency.timeouts,
  };
  for (const [outcome, value] of Object.entries(outcomes)) {
    series.push({ name: 'probe_requests_total', help: 'Load probe requests of the last run by outcome', value, labels: { outcome } });
  }
  series.push({ name: 'probe_error_ratio', help: 'Load probe error ratio of the last run', value: latency.errorRate });
  return series;
}

function flatMetrics(latency: LatencySummary): MetricRecord {
  const { requests, errors, timeouts, errorRate, rps, p50Ms, p90Ms, p95Ms, p99Ms, maxMs } = latency;
  return {
    requests,
    errors,
    timeouts,
    errorRate,
    rps,
    p50Ms,
    p90Ms,
    p95Ms,
    p99Ms,
    maxMs,
    aborted: latency.aborted ?? false,
    mode: latency.mode ?? null,
  };
}

function planDetails(plan: LoadPlan, ctx: ProbeContext<LoadSettings>): MetricRecord {
  return {
    connections: plan.connections,
    amount: plan.amount,
    durationMs: plan.durationMs,
    rate: plan.rate,
    timeoutMs: plan.timeoutMs,
    requests: plan.requests.map((r) => ctx.redact(`${r.method} ${r.path}`)),
  };
}

function toOutcome(result: EngineResult, plan: LoadPlan, ctx: ProbeContext<LoadSettings>): ProbeOutcome {
  const { latency, stopped, failure } = result;
  if (typeof latency.abortReason === 'string') latency.abortReason = ctx.redact(latency.abortReason);
  const base: ProbeOutcome = {
    status: 'pass',
    latency,
    data: { kind: 'load', latency },
    metrics: flatMetrics(latency),
    details: planDetails(plan, ctx),
    series: loadSeries(latency),
  };
  if (failure) return { ...base, status: 'error', error: { code: 'RP_ERR_LOAD_FAILED', message: ctx.redact(failure) } };
  if (stopped?.kind === 'signal') {
    // The runner aborts for a deadline or for a shutdown; say which.
    const reason: unknown = ctx.signal.reason;
    const code = reason instanceof ProbeError && reason.code === 'RP_ERR_PROBE_TIMEOUT' ? 'RP_ERR_PROBE_TIMEOUT' : 'RP_ERR_PROBE_ABORTED';
    return { ...base, status: 'error', error: { code, message: `load run ${stopped.message}` } };
  }
  if (stopped) return { ...base, status: 'fail', error: { code: 'RP_ERR_LOAD_ABORTED', message: stopped.message } };
  if (latency.requests === 0) {
    return {
      ...base,
      status: 'fail',
      error: { code: 'RP_ERR_LOAD_FAILED', message: `no request completed during the load run (per-request timeout ${plan.timeoutMs} ms)` },
    };
  }
  return base;
}

export const loadProbe: ProbeKind<LoadProbeParams, LoadSettings> = {
  name: 'load',
  params: loadParams,
  settings: loadSettings,
  async run(params, ctx): Promise<ProbeOutcome> {
    let plan: LoadPlan;
    try {
      plan = resolvePlan(params, ctx.timeoutMs);
      // the CLI checks these before running; checking here too covers the daemon and any other caller
      const load = ctx.settings;
      checkLoadGuardrails(
        { connections: plan.connections, rate: params.rate, durationMs: params.durationMs, amount: params.amount },
        load.caps,
        new URL(plan.origin),
        load.allowedHosts,
        ctx.target,
      );
    } catch (err) {
      const code = isProbeError(err) ? err.code : 'RP_ERR_LOAD_FAILED';
      return { status: 'error', metrics: {}, error: { code, message: ctx.redact(errorMessage(err)) } };
    }
    const hooks = { signal: ctx.signal, ...(ctx.progress ? { onProgress: ctx.progress } : {}) };
    try {
      const result =
        params.shards !== undefined && params.shards > 1
          ? await runInProcessShards(params, params.shards, ctx.timeoutMs, hooks)
          : params.offThread
            ? await runLoadOffThread(plan, hooks)
            : await runLoadEngine(plan, hooks);
      return toOutcome(result, plan, ctx);
    } catch (err) {
      return { status: 'error', metrics: {}, error: { code: 'RP_ERR_LOAD_FAILED', message: ctx.redact(errorMessage(err)) } };
    }
  },
};
