/** GitHub's rate-limit figures: from the /rate_limit document when we have it, else from any response's headers. */
import type { FindingBuilder } from '../../src/runbook/finding.js';
import type { Finding, MetricSample } from '../../src/model/types.js';
import { header, type Exchange } from '../../src/clients/exchange.js';

export interface RateLimit {
  resource: string;
  limit: number;
  remaining: number;
  used: number | null;
  /** epoch seconds */
  reset: number | null;
}

export type RateLimitLevel = 'ok' | 'low' | 'exhausted';

function num(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

function fromBody(body: string): RateLimit | null {
  try {
    const doc = JSON.parse(body) as { resources?: { core?: Record<string, unknown> }; rate?: Record<string, unknown> };
    const core = doc.resources?.core ?? doc.rate;
    const limit = num(core?.limit);
    const remaining = num(core?.remaining);
    if (limit === null || remaining === null) return null;
    return { resource: 'core', limit, remaining, used: num(core?.used), reset: num(core?.reset) };
  } catch {
    return null;
  }
}

function fromHeaders(ex: Exchange): RateLimit | null {
  const limit = num(header(ex.headers, 'x-ratelimit-limit'));
  const remaining = num(header(ex.headers, 'x-ratelimit-remaining'));
  if (limit === null || remaining === null) return null;
  const resource = header(ex.headers, 'x-ratelimit-resource') ?? 'core';
  return {
    resource: /^[a-z_]{1,40}$/.test(resource) ? resource : 'other',
    limit,
    remaining,
    used: num(header(ex.headers, 'x-ratelimit-used')),
    reset: num(header(ex.headers, 'x-ratelimit-reset')),
  };
}

export function readRateLimit(ex: Exchange): RateLimit | null {
  if (ex.status !== null && ex.status >= 200 && ex.status < 300) return fromBody(ex.body) ?? fromHeaders(ex);
  return fromHeaders(ex);
}

export function rateLimitLevel(rl: RateLimit, threshold: number): RateLimitLevel {
  if (rl.remaining <= 0) return 'exhausted';
  return rl.limit > 0 && rl.remaining / rl.limit < threshold ? 'low' : 'ok';
}

export function rateLimitSeries(rl: RateLimit): MetricSample[] {
  const labels = { resource: rl.resource };
  const series: MetricSample[] = [
    { name: 'probe_github_ratelimit_remaining', help: 'GitHub API requests left in the current rate-limit window', value: rl.remaining, labels },
    { name: 'probe_github_ratelimit_limit', help: 'GitHub API requests allowed per rate-limit window', value: rl.limit, labels },
  ];
  if (rl.reset !== null) {
    series.push({
      name: 'probe_github_ratelimit_reset_timestamp_seconds',
      help: 'When the GitHub rate-limit window resets (Unix time)',
      value: rl.reset,
      labels,
    });
  }
  return series;
}

/**
 * Exhausted is P2: every GitHub-backed feature fails until the reset (partial degradation in the runbook's table).
 * Merely low is P3: nothing fails yet, but the next burst will.
 */
export function rateLimitFinding(
  raise: FindingBuilder,
  threshold: number,
  rl: RateLimit,
  level: Exclude<RateLimitLevel, 'ok'>,
  authenticated: boolean,
): Finding {
  const resetAt = rl.reset !== null ? new Date(rl.reset * 1000).toISOString() : 'unknown';
  const percent = rl.limit > 0 ? ((rl.remaining / rl.limit) * 100).toFixed(1) : '0';
  const evidence = [
    `x-ratelimit-remaining: ${rl.remaining} of ${rl.limit} (${percent} % left, resource ${rl.resource})`,
    `x-ratelimit-reset: ${resetAt}`,
    `threshold: ${(threshold * 100).toFixed(0)} % left`,
  ];
  if (!authenticated) evidence.push('requests are unauthenticated (no GITHUB_TOKEN): the limit is per IP address and much lower');
  return raise('github_rate_limited', {
    severity: level === 'exhausted' ? 'P2' : 'P3',
    summary: level === 'exhausted' ? `GitHub rate limit exhausted until ${resetAt}` : `GitHub rate limit low: ${rl.remaining} of ${rl.limit} left`,
    evidence,
  });
}
