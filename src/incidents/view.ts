/** Incident → the JSON shape of /api/incidents (times as ISO-8601, derived fields spelled out). */
import { needsPostmortem } from './postmortem.js';
import { leadingFinding } from './templates.js';
import type { Incident, IncidentView } from './types.js';

export function toView(incident: Incident, levels: readonly string[], now: number): IncidentView {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return {
    id: incident.id,
    service: incident.service,
    family: incident.family,
    status: incident.status,
    severity: incident.severity,
    open: incident.status !== 'RESOLVED',
    startedAt: iso(incident.startedAt),
    openedAt: iso(incident.openedAt),
    resolvedAt: incident.resolvedAt === null ? null : iso(incident.resolvedAt),
    durationMs: (incident.resolvedAt ?? now) - incident.startedAt,
    impact: incident.impact,
    leadingCause: leadingFinding(incident.findings)?.cause ?? null,
    causes: incident.findings.map((f) => f.cause),
    findings: incident.findings.map((f) => ({ ...f, evidence: [...f.evidence], actions: [...f.actions] })),
    escalationLevel: incident.escalation.level,
    escalatedTo: levels[Math.min(incident.escalation.level, levels.length - 1)] ?? '',
    inMaintenance: incident.inMaintenance,
    postmortem: needsPostmortem(incident),
    timeline: incident.timeline.map((e) => ({ ...e })),
  };
}
