/** Failure families: one open incident per service and family, so related causes share an incident. */
import type { Finding } from '../model/types.js';
import type { Family } from '../incidents/types.js';

const FAMILY_OF: Record<string, Family> = {
  api_outage: 'availability',
  crash_loop: 'availability',
  oom_killed: 'availability',
  image_pull_failure: 'availability',
  no_ready_endpoints: 'availability',
  db_connection_failure: 'availability',
  high_error_rate: 'errors',
  endpoint_failure: 'errors',
  db_query_timeout: 'errors',
  github_rate_limited: 'errors',
  high_latency: 'latency',
  db_slow_statements: 'latency',
  connection_pool_exhaustion: 'latency',
  cpu_saturation: 'latency',
};

export const FAMILIES: readonly Family[] = ['availability', 'errors', 'latency', 'other'];

export function familyOf(cause: string): Family {
  if (cause.startsWith('external_')) return 'errors';
  return FAMILY_OF[cause] ?? 'other';
}

/**
 * Causes that only restate the symptom ("the API is down", "errors are high"): an incident holding nothing else
 * is still INVESTIGATING; any other cause means the runbook's diagnosis found something, i.e. IDENTIFIED.
 */
const SYMPTOMS = new Set(['api_outage', 'high_error_rate', 'high_latency', 'endpoint_failure', 'unclassified']);

export function isRootCause(cause: string): boolean {
  return !SYMPTOMS.has(cause);
}

/** Restart / readiness causes: while any is present the verify check "pods healthy, no restarts" fails. */
const POD_HEALTH = new Set(['crash_loop', 'oom_killed', 'no_ready_endpoints', 'image_pull_failure']);

export function isPodHealthCause(cause: string): boolean {
  return POD_HEALTH.has(cause);
}

export function groupByFamily(findings: readonly Finding[]): Map<Family, Finding[]> {
  const groups = new Map<Family, Finding[]>();
  for (const finding of findings) {
    const family = familyOf(finding.cause);
    const list = groups.get(family) ?? [];
    list.push(finding);
    groups.set(family, list);
  }
  return groups;
}
