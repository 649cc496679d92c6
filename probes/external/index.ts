/**
 * Is each external provider the API depends on (OpenAI, GitHub, others from config) usable right now? One cheap,
 * documented request per provider, classified the way the provider documents its answers, behind a circuit
 * breaker so a provider that is down or rate-limiting us is not hammered.
 */
import type { MetricRecord } from '../../src/model/types.js';
import { Circuit } from './circuit.js';
import { judge, scrub } from './classify.js';
import { rateLimitFinding, rateLimitLevel, readRateLimit } from './github.js';
import {
  buildSeries,
  circuitDetails,
  failureFinding,
  openCircuitReplay,
  rateLimitRecord,
  shownUrl,
  summarize,
  type FailureRecord,
} from './outcome.js';
import { resolveDependency } from './presets.js';
import { exchange } from '../../src/clients/exchange.js';
import type { ProbeKind, ProbeOutcome } from '../types.js';
import { skipped } from '../types.js';

import { externalParams, type ExternalProbeParams } from './params.js';
import { externalSettings, type ExternalSettings } from './settings.js';

export { externalParams, type ExternalProbeParams } from './params.js';

export interface ExternalProbeOptions {
  /** the circuit breaker's clock (epoch ms); tests move it instead of sleeping */
  now?: () => number;
}

export function createExternalProbe(options: ExternalProbeOptions = {}): ProbeKind<ExternalProbeParams, ExternalSettings> {
  const now = options.now ?? Date.now;
  return {
    name: 'external',
    params: externalParams,
    settings: externalSettings,
    async run(params, ctx): Promise<ProbeOutcome> {
      const { dependency } = params;
      const resolved = resolveDependency({ external: ctx.settings }, dependency);
      if (!resolved.ok) {
        return 'skip' in resolved
          ? skipped(resolved.skip, { dependency })
          : { status: 'error', metrics: { dependency }, error: { code: 'RP_ERR_CONFIG_INVALID', message: resolved.invalid } };
      }
      const target = resolved.target;
      const { circuit: settings } = ctx.settings;
      const circuit = new Circuit<FailureRecord>(
        ctx.memory,
        `circuit:${target.name}`,
        { failuresToOpen: settings.failuresToOpen, openForMs: settings.openFor, maxOpenForMs: settings.maxOpenFor },
        now,
      );
      const baseDetails: MetricRecord = {
        dependency: target.name,
        label: target.label,
        endpoint: ctx.redact(shownUrl(target.url)),
        authenticated: target.authenticated,
      };
      if (!target.authenticated && target.kind !== 'other')
        baseDetails.note = `no ${target.kind === 'openai' ? 'OPENAI_API_KEY' : 'GITHUB_TOKEN'} configured: reachability check only (a 401/403 answer counts as reachable)`;

      const admission = circuit.admit();
      if (!admission.admitted) {
        const c = circuit.snapshot();
        const replay = openCircuitReplay(target, c, admission.openUntil);
        const rl = c.lastFailure?.rateLimit ?? null;
        return {
          status: 'fail',
          error: replay.error,
          findings: replay.findings,
          data: {
            kind: 'external',
            dependency: target.name,
            up: false,
            probed: false,
            statusCode: c.lastFailure?.statusCode ?? null,
            latencyMs: null,
          },
          metrics: {
            dependency: target.name,
            up: false,
            probed: false,
            statusCode: c.lastFailure?.statusCode ?? null,
            latencyMs: null,
            authenticated: target.authenticated,
            circuit: c.state,
            consecutiveFailures: c.consecutiveFailures,
            rateLimit: rateLimitRecord(rl),
          },
          details: { ...baseDetails, summary: c.lastFailure?.summary ?? `${target.label} circuit open`, circuit: circuitDetails(c, false) },
          series: buildSeries(target.name, false, null, c.state, rl),
        };
      }

      const ex = await exchange({
        url: target.url,
        headers: target.headers,
        timeoutMs: Math.min(ctx.timeoutMs, target.timeoutMs),
        signal: ctx.signal,
        http: ctx.http,
      });
      if (ex.transportError?.code === 'RP_ERR_PROBE_ABORTED') {
        circuit.abandoned();
        return { status: 'error', metrics: { dependency: target.name }, error: ex.transportError };
      }
      const verdict = judge(target, ex, now(), ctx.redact);
      const rl = target.kind === 'github' ? readRateLimit(ex) : null;
      const level = rl ? rateLimitLevel(rl, ctx.settings.github.rateLimitThreshold) : 'ok';
      if (verdict.ok && rl && level === 'exhausted') {
        // /rate_limit itself answers 200 when the core quota is spent: GitHub is up, but unusable for us until reset.
        Object.assign(verdict, {
          ok: false,
          rateLimited: true,
          retryAt: rl.reset === null ? null : rl.reset * 1000,
          error: { code: 'RP_ERR_EXT_RATE_LIMITED', message: `GitHub core rate limit exhausted (0 of ${rl.limit} left)` },
        });
      }
      const error = verdict.ok
        ? undefined
        : verdict.error
          ? { code: verdict.error.code, message: scrub(verdict.error.message, ctx.redact, target.secrets) }
          : undefined;
      const summary = summarize(target, ex.status, error);
      let findings =
        rl && level === 'low' ? [rateLimitFinding(ctx.raise, ctx.settings.github.rateLimitThreshold, rl, 'low', target.authenticated)] : [];
      if (error) {
        const failure = { error, statusCode: ex.status, latencyMs: ex.durationMs, summary, rateLimit: rl };
        findings = failureFinding(ctx.raise, ctx.settings.github.rateLimitThreshold, target, failure, verdict.providerMessage);
        circuit.failed({ ...failure, at: now(), findings }, { rateLimited: verdict.rateLimited, retryAt: verdict.retryAt });
      } else {
        circuit.succeeded();
      }
      const c = circuit.snapshot();
      const outcome: ProbeOutcome = {
        status: error ? 'fail' : 'pass',
        data: { kind: 'external', dependency: target.name, up: !error, probed: true, statusCode: ex.status, latencyMs: ex.durationMs },
        metrics: {
          dependency: target.name,
          up: !error,
          probed: true,
          statusCode: ex.status,
          latencyMs: ex.durationMs,
          authenticated: target.authenticated,
          circuit: c.state,
          consecutiveFailures: c.consecutiveFailures,
          rateLimit: rateLimitRecord(rl),
        },
        details: {
          ...baseDetails,
          summary,
          class: error?.code ?? 'ok',
          statusCode: ex.status,
          latencyMs: ex.durationMs,
          providerMessage: verdict.providerMessage,
          circuit: circuitDetails(c, admission.trial),
        },
        series: buildSeries(target.name, !error, ex.durationMs, c.state, rl),
      };
      if (error) outcome.error = error;
      if (findings.length) outcome.findings = findings;
      ctx.log.debug({ dependency: target.name, status: ex.status, class: error?.code ?? 'ok', circuit: c.state }, 'external dependency checked');
      return outcome;
    },
  };
}

export const externalProbe: ProbeKind<ExternalProbeParams, ExternalSettings> = createExternalProbe();
