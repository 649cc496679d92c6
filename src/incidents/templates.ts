/** The runbook's INCIDENT and INCIDENT RESOLVED templates, filled from an incident. Field names are verbatim. */
import type { Finding, Severity } from '../model/types.js';
import { leadingFirst } from '../diagnosis/order.js';
import { isRootCause } from '../runbook/catalogue.js';
import type { Incident } from './types.js';

/** the runbook's Severity Levels table, "Description" column */
export const SEVERITY_DESCRIPTION: Record<Severity, string> = {
  P0: 'Complete outage',
  P1: 'Severe degradation',
  P2: 'Partial degradation',
  P3: 'Minor issues',
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The runbook's "X hours Y minutes". */
export function durationWords(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  return `${plural(Math.floor(minutes / 60), 'hour')} ${plural(minutes % 60, 'minute')}`;
}

/**
 * The order an on-call engineer reads findings in: worst impact first, and at equal severity a root cause before the
 * symptom it explains. The first is the incident's leading cause, whichever finding arrived first.
 */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  // the same order as a report's findings[0]: a root cause leads the symptoms it explains (diagnosis gave it their
  // severity), while an unrelated lower finding never heads an outage
  return leadingFirst(findings);
}

export function leadingFinding(findings: readonly Finding[]): Finding | undefined {
  return rankFindings(findings)[0];
}

export function describeImpact(severity: Severity, findings: readonly Finding[]): string {
  const top = leadingFinding(findings);
  return top ? `${SEVERITY_DESCRIPTION[severity]}: ${top.summary}` : SEVERITY_DESCRIPTION[severity];
}

export function incidentFields(incident: Incident, updates: string): Record<string, string> {
  return {
    Status: incident.status,
    Severity: incident.severity,
    Service: incident.service,
    Impact: incident.impact,
    'Start Time': new Date(incident.startedAt).toISOString(),
    Updates: updates,
  };
}

/** The runbook's Prevention list, matched to the causes seen. */
const PREVENTION: Record<string, string> = {
  api_outage: 'Enable health checks on all critical dependencies; set up comprehensive alerts for all key metrics',
  db_connection_failure: 'Enable health checks on all critical dependencies (database); regular chaos engineering exercises',
  image_pull_failure: 'Pre-deployment checklist: changes tested in staging, rollback plan ready',
  crash_loop: 'Pre-deployment checklist: changes tested in staging, rollback plan ready',
  oom_killed: 'Regular load testing to identify bottlenecks; right-size memory limits',
  no_ready_endpoints: 'Enable health checks on all critical dependencies',
  high_error_rate: 'Set up comprehensive alerts for all key metrics',
  endpoint_failure: 'Pre-deployment checklist: changes tested in staging, performance testing completed',
  db_query_timeout: 'Database query optimization and index maintenance',
  db_slow_statements: 'Database query optimization and index maintenance',
  connection_pool_exhaustion: 'Regular load testing to identify bottlenecks; size the connection pool for peak load',
  cpu_saturation: 'Regular load testing to identify bottlenecks',
  high_latency: 'Regular load testing to identify bottlenecks',
  load_threshold_failed: 'Regular load testing to identify bottlenecks',
  external_openai_failure: 'Implement circuit breakers for external services; graceful degradation when services unavailable',
  external_github_failure: 'Implement circuit breakers for external services; graceful degradation when services unavailable',
  github_rate_limited: 'Implement circuit breakers for external services; graceful degradation when services unavailable',
};

export function rootCauseText(findings: readonly Finding[]): string {
  const ranked = rankFindings(findings);
  const roots = ranked.filter((f) => isRootCause(f.cause));
  const chosen = roots.length > 0 ? roots : ranked;
  if (chosen.length === 0) return 'Not identified';
  return chosen.map((f) => `${f.cause}: ${f.summary}`).join('; ');
}

export function resolutionText(incident: Incident, verifyWindowMs: number): string {
  const main = rankFindings(incident.findings.filter((f) => isRootCause(f.cause)))[0] ?? rankFindings(incident.findings)[0];
  const verified = `Signals back to normal; verification (error rate < 1 %, p95 < 300 ms, pods ready, no restarts) held for ${durationWords(verifyWindowMs)}`;
  if (!main) return verified;
  return `${verified}. Runbook resolution (${main.runbook}): ${main.actions.slice(0, 2).join(' ; ')}`;
}

export function preventionText(incident: Incident): string {
  const items = new Set(incident.findings.map((f) => PREVENTION[f.cause] ?? 'Keep runbooks up-to-date'));
  if (incident.severity === 'P0' || incident.severity === 'P1') items.add('Post-mortem within 48 hours');
  return [...items].join('; ');
}

export function resolvedFields(incident: Incident, verifyWindowMs: number): Record<string, string> {
  return {
    Status: 'RESOLVED',
    Severity: incident.severity,
    Duration: durationWords((incident.resolvedAt ?? incident.lastBadAt) - incident.startedAt),
    'Root Cause': rootCauseText(incident.findings),
    Resolution: resolutionText(incident, verifyWindowMs),
    Prevention: preventionText(incident),
  };
}

export function findingsText(findings: readonly Finding[]): string {
  return rankFindings(findings)
    .map((f) => {
      const lines = [`- [${f.severity}] ${f.cause}: ${f.summary} (${f.runbook})`];
      for (const e of f.evidence.slice(0, 5)) lines.push(`    evidence: ${e}`);
      for (const a of f.actions) lines.push(`    $ ${a}`);
      return lines.join('\n');
    })
    .join('\n');
}

/** The template block exactly as the runbook draws it, then extra lines, then findings with runbook actions. */
export function renderTemplate(
  title: 'INCIDENT' | 'INCIDENT RESOLVED',
  fields: Record<string, string>,
  findings: readonly Finding[],
  extra: string[] = [],
): string {
  const lines = [title, '-'.repeat(title.length), ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`), ...extra];
  const body = findingsText(findings);
  return body ? `${lines.join('\n')}\n\nFindings and runbook actions:\n${body}` : lines.join('\n');
}
