/**
 * Severity is impact on the API (the runbook's table), read off the API's own symptoms. A root cause takes the
 * severity of the symptoms its catalogue row says it can explain. A dependency probe sees the dependency, not the
 * API: its cause explaining none of them leaves the API unaffected, a notice at most P3.
 */
import { CAUSES, isCauseId, isRootCause, type CauseEntry } from '../runbook/catalogue.js';
import { worse, worstSeverity } from '../model/severity.js';
import type { Finding, Severity } from '../model/types.js';
import type { DiagnosisContext } from './context.js';

/** A dependency failing with the API unaffected is a notice, never a page (DESIGN: "a non-paging dependency notice"). */
export const NO_IMPACT: Severity = 'P3';

/** A dependency's finding, and whether it explains something the API shows (else it is a notice). */
export interface Weighed {
  finding: Finding;
  explains: boolean;
}

/** The API's symptoms (api_outage, high_error_rate, endpoint_failure, high_latency…) among findings. */
export function apiSymptoms(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !isRootCause(f.cause));
}

/** The worst severity among the symptoms `cause` can account for; null when it explains none of them. */
export function explainedSeverity(cause: string, symptoms: readonly Finding[]): Severity | null {
  const explains: readonly string[] = (isCauseId(cause) ? (CAUSES[cause] as CauseEntry).explains : undefined) ?? [];
  return worstSeverity(symptoms.filter((s) => explains.includes(s.cause)).map((s) => s.severity));
}

/** Provider causes explain a failure only when correlation singles the provider out (correlate.ts), never by kind. */
const SINGLED_OUT_ONLY: ReadonlySet<string> = new Set(['external_openai_failure', 'external_github_failure', 'github_rate_limited']);

/**
 * Root causes the API's side found (pods, logs): one that explains a present symptom is at least as severe as it,
 * so it leads the symptom (CPU at its limit beside a P2 p95). Their own severity (no ready pod → P0) never drops.
 */
export function weighRootCauses(findings: readonly Finding[], symptoms: readonly Finding[]): Finding[] {
  return findings.map((f) => {
    if (!isRootCause(f.cause) || SINGLED_OUT_ONLY.has(f.cause)) return f;
    const impact = explainedSeverity(f.cause, symptoms);
    return impact ? { ...f, severity: worse(f.severity, impact) } : f;
  });
}

export const notice = (finding: Finding): Weighed => ({ finding: { ...finding, severity: NO_IMPACT }, explains: false });

/**
 * The database probe's findings weighed by the API's symptoms. A connection failure the API does not show is the
 * probe's own connection (its credentials, its network policy): said so, with the probe-side actions, instead of
 * sending the reader to rotate the API's working secret and restart it.
 */
export function weighDatabase(findings: readonly Finding[], symptoms: readonly Finding[], ctx: DiagnosisContext): Weighed[] {
  return findings.map((f) => {
    const impact = explainedSeverity(f.cause, symptoms);
    if (impact) return { finding: { ...f, severity: impact }, explains: true };
    if (f.cause !== 'db_connection_failure') return notice(f);
    const apiState = symptoms.length === 0 ? 'every probed API endpoint answers' : 'the API shows none of the failures a database outage causes';
    return notice(
      ctx.raise('db_connection_failure', {
        variant: 'probe-side',
        summary: `the probe itself could not connect (${f.summary}) while ${apiState}: the API's own connection works, so check the probe's DATABASE_URL credentials and its network policy, not the API's secret`,
        evidence: f.evidence,
      }),
    );
  });
}
