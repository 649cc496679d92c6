/**
 * The leading cause first, so `findings[0]` is what an on-call engineer acts on: the worst impact on the API first
 * (severity), and at equal severity a root cause of the catalogue before the symptom it explains, and both before a
 * dependency notice (a dependency failing that explains nothing the API shows). A dependency's root cause carries
 * the severity of the symptoms it explains (impact.ts, correlate.ts), so it sorts level with them and leads.
 */
import { isRootCause } from '../runbook/catalogue.js';
import { compareSeverity } from '../model/severity.js';
import type { Finding } from '../model/types.js';

export function leadingFirst(findings: readonly Finding[], notices: ReadonlySet<Finding> = new Set()): Finding[] {
  const rank = (f: Finding): number => (notices.has(f) ? 2 : isRootCause(f.cause) ? 0 : 1);
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => compareSeverity(a.finding.severity, b.finding.severity) || rank(a.finding) - rank(b.finding) || a.index - b.index)
    .map((x) => x.finding);
}
