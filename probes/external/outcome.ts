/** Findings, metrics and series of one external probe run, and the replay shown while the circuit is open. */
import type { FindingBuilder } from '../../src/runbook/finding.js';
import { ERROR_CODES, type ErrorInfo } from '../../src/model/errors.js';
import type { Finding, MetricRecord, MetricSample } from '../../src/model/types.js';
import { CIRCUIT_STATES, type CircuitRecord, type CircuitState } from './circuit.js';
import { rateLimitFinding, rateLimitSeries, type RateLimit } from './github.js';
import type { DependencyTarget } from './presets.js';

/** What a failing run leaves in memory so the open circuit can keep reporting it. */
export interface FailureRecord {
  at: number;
  error: ErrorInfo;
  statusCode: number | null;
  latencyMs: number;
  summary: string;
  findings: Finding[];
  rateLimit: RateLimit | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** "OpenAI answering 503" / "GitHub unreachable (host name could not be resolved)": the words diagnosis quotes. */
export function summarize(target: DependencyTarget, statusCode: number | null, error: ErrorInfo | undefined): string {
  if (!error) return `${target.label} answering ${statusCode ?? '?'}`;
  if (statusCode !== null) return `${target.label} answering ${statusCode} (${ERROR_CODES[error.code]})`;
  return `${target.label} unreachable (${ERROR_CODES[error.code]})`;
}

/** origin and path only: a query string may carry a key */
export function shownUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export function failureFinding(
  raise: FindingBuilder,
  rateLimitThreshold: number,
  target: DependencyTarget,
  f: Omit<FailureRecord, 'findings' | 'at'>,
  providerMessage: string | null,
): Finding[] {
  const evidence = [
    `GET ${shownUrl(target.url)} → ${f.statusCode ?? 'no response'} in ${f.latencyMs.toFixed(1)} ms`,
    `class: ${f.error.code} (${ERROR_CODES[f.error.code]})`,
  ];
  if (providerMessage) evidence.push(`provider said: ${providerMessage}`);
  if (!target.authenticated) evidence.push('request was unauthenticated (no credential configured)');
  if (target.kind === 'github' && f.error.code === 'RP_ERR_EXT_RATE_LIMITED') {
    if (f.rateLimit) return [rateLimitFinding(raise, rateLimitThreshold, f.rateLimit, 'exhausted', target.authenticated)];
    return [raise('github_rate_limited', { severity: 'P2', summary: 'GitHub secondary rate limit hit', evidence })];
  }
  const cause = target.kind === 'openai' ? 'external_openai_failure' : target.kind === 'github' ? 'external_github_failure' : null;
  // Alone a failing provider is P3; diagnosis raises it when an endpoint that depends on it fails too.
  return cause ? [raise(cause, { severity: 'P3', summary: f.summary, evidence })] : [];
}

export function circuitDetails(c: Readonly<CircuitRecord<FailureRecord>>, trial: boolean): MetricRecord {
  return { state: c.state, consecutiveFailures: c.consecutiveFailures, openUntil: iso(c.openUntil), trial };
}

export function rateLimitRecord(rl: RateLimit | null): MetricRecord | null {
  return rl
    ? { resource: rl.resource, limit: rl.limit, remaining: rl.remaining, used: rl.used, reset: iso(rl.reset === null ? null : rl.reset * 1000) }
    : null;
}

export function buildSeries(dependency: string, up: boolean, durationMs: number | null, state: CircuitState, rl: RateLimit | null): MetricSample[] {
  const labels = { dependency };
  const series: MetricSample[] = [
    { name: 'probe_external_up', help: 'Whether the external dependency answered usably (1) or not (0)', value: up ? 1 : 0, labels },
  ];
  if (durationMs !== null) {
    series.push({ name: 'probe_external_duration_seconds', help: 'Duration of the external dependency check', value: durationMs / 1000, labels });
  }
  for (const s of CIRCUIT_STATES) {
    series.push({
      name: 'probe_circuit_state',
      help: 'Circuit breaker state of the dependency (1 for the current state)',
      value: s === state ? 1 : 0,
      labels: { dependency, state: s },
    });
  }
  return rl ? [...series, ...rateLimitSeries(rl)] : series;
}

/** While open the provider is not called; the last failure keeps standing so severity and incidents hold. */
export function openCircuitReplay(
  target: DependencyTarget,
  c: Readonly<CircuitRecord<FailureRecord>>,
  openUntil: number,
): {
  error: ErrorInfo;
  findings: Finding[];
} {
  const last = c.lastFailure;
  const until = iso(openUntil);
  const note = `circuit open after ${c.consecutiveFailures} consecutive failure(s): not probed until ${until}${last ? `; last probed ${iso(last.at)}` : ''}`;
  const findings = (last?.findings ?? []).map((f) => ({ ...f, evidence: [...f.evidence, note] }));
  const message = `${target.label} ${note}${last ? `; last result: ${last.error.message}` : ''}`;
  return { error: { code: 'RP_ERR_EXT_CIRCUIT_OPEN', message }, findings };
}
