/** Incident → Notification, rendered once at queue time so a re-delivery after a restart is byte-identical. */
import type { Notification, NotificationKind } from '../notify/types.js';
import type { Severity } from '../model/types.js';
import { durationWords, incidentFields, rankFindings, renderTemplate, resolvedFields } from './templates.js';
import type { Incident } from './types.js';

export interface MessageOptions {
  kind: NotificationKind;
  sequence: number;
  now: number;
  updatesUrl: string;
  verifyWindowMs: number;
  previousSeverity?: Severity | null;
  escalation?: { level: number; to: string; afterMs: number } | null;
  /** why this update went out (upgrade, relapse, ...), one line */
  note?: string;
  /** a re-assertion of current state (Alertmanager re-send): fixed id, does not consume the incident's counter */
  snapshot?: boolean;
}

export function updatesLink(base: string, incidentId: string): string {
  return base ? base.replace('{id}', incidentId) : `/api/incidents/${incidentId}`;
}

export function incidentTitle(incident: Incident): string {
  const top = rankFindings(incident.findings)[0];
  return `${incident.severity} ${incident.service} ${incident.family} incident${top ? `: ${top.summary}` : ''}`;
}

export function buildNotification(incident: Incident, options: MessageOptions): Notification {
  const url = updatesLink(options.updatesUrl, incident.id);
  const resolved = options.kind === 'resolve';
  const fields = resolved ? resolvedFields(incident, options.verifyWindowMs) : incidentFields(incident, url);
  const extra: string[] = [];
  if (options.escalation) {
    extra.push(
      `Escalation: level ${options.escalation.level + 1} (${options.escalation.to}), unresolved for ${durationWords(options.now - incident.severitySince)}`,
    );
  }
  if (options.note) extra.push(`Note: ${options.note}`);
  if (incident.inMaintenance) extra.push('Maintenance: opened inside a maintenance window');
  const template = resolved ? 'INCIDENT RESOLVED' : 'INCIDENT';
  if (!options.snapshot) incident.notifySeq += 1;
  return {
    eventId: options.snapshot ? `${incident.id}.current` : `${incident.id}.${incident.notifySeq}`,
    sequence: options.sequence,
    kind: options.kind,
    template,
    incidentId: incident.id,
    service: incident.service,
    family: incident.family,
    status: incident.status,
    severity: incident.severity,
    previousSeverity: options.previousSeverity ?? null,
    title: resolved ? `RESOLVED: ${incidentTitle(incident)}` : incidentTitle(incident),
    text: renderTemplate(template, fields, incident.findings, extra),
    fields,
    findings: incident.findings.map((f) => ({ ...f, evidence: [...f.evidence], actions: [...f.actions] })),
    escalation: options.escalation ? { level: options.escalation.level, to: options.escalation.to } : null,
    startedAt: new Date(incident.startedAt).toISOString(),
    resolvedAt: incident.resolvedAt === null ? null : new Date(incident.resolvedAt).toISOString(),
    createdAt: new Date(options.now).toISOString(),
    url,
    maintenance: incident.inMaintenance,
  };
}
