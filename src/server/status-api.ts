/**
 * GET /api/status: what the status page shows beside the history APIs — current severity and leading finding, open
 * incidents with their timeline and runbook actions, incidents resolved in the last 90 days, maintenance windows,
 * dependency notices and every probe's current state. Read-only, built from state the daemon already holds.
 */
import { leadingFinding, rankFindings } from '../incidents/templates.js';
import type { IncidentView, MaintenanceListing, NoticeView, TimelineKind } from '../incidents/types.js';
import type { Finding, RunReport, Severity } from '../model/types.js';

export const PAST_INCIDENT_DAYS = 90;
/** the list is for reading, not an archive: /api/incidents has the rest */
export const MAX_PAST_INCIDENTS = 200;
/** a cleared dependency notice stays on the page for a day, so a reader sees it was there */
const NOTICE_CLEARED_SHOWN_MS = 86_400_000;

/** notification bookkeeping (queued, notified, delivery-failed) says who was paged: not for a status page */
const PUBLIC_TIMELINE: ReadonlySet<TimelineKind> = new Set([
  'detected',
  'opened',
  'identified',
  'upgraded',
  'finding',
  'monitoring',
  'verifying',
  'relapsed',
  'resolved',
  'escalated',
  'maintenance',
]);

export interface StatusInput {
  service: string;
  now: number;
  intervalMs: number;
  report: RunReport | null;
  /** null: incident tracking is not running (a follower without state, or a one-shot build) */
  incidents: IncidentView[] | null;
  notices: NoticeView[];
  maintenance: MaintenanceListing[];
  probes: { name: string; kind: string; status: string; durationMs: number; detail: string; finishedAt: string }[];
}

const finding = (f: Finding): { severity: Severity; cause: string; summary: string; runbook: string; actions: string[] } => ({
  severity: f.severity,
  cause: f.cause,
  summary: f.summary,
  runbook: f.runbook,
  actions: [...f.actions],
});

function openIncident(i: IncidentView): Record<string, unknown> {
  const leading = i.findings.find((f) => f.cause === i.leadingCause) ?? i.findings[0];
  return {
    id: i.id,
    severity: i.severity,
    status: i.status,
    impact: i.impact,
    leadingCause: i.leadingCause,
    startedAt: i.startedAt,
    durationMs: i.durationMs,
    inMaintenance: i.inMaintenance,
    escalatedTo: i.escalatedTo,
    leading: leading ? finding(leading) : null,
    // leading finding first: its actions are the ones to take first
    findings: rankFindings(i.findings).map(finding),
    timeline: i.timeline
      .filter((e) => PUBLIC_TIMELINE.has(e.kind))
      .map(({ at, kind, message, severity, status }) => ({ at, kind, message, severity, status })),
  };
}

function pastIncidents(incidents: IncidentView[], now: number): Record<string, unknown>[] {
  const since = now - PAST_INCIDENT_DAYS * 86_400_000;
  return incidents
    .filter((i) => !i.open && i.resolvedAt !== null && Date.parse(i.resolvedAt) >= since)
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))
    .slice(0, MAX_PAST_INCIDENTS)
    .map((i) => ({
      id: i.id,
      severity: i.severity,
      title: i.impact,
      cause: i.leadingCause,
      startedAt: i.startedAt,
      resolvedAt: i.resolvedAt,
      durationMs: i.durationMs,
    }));
}

export function statusDocument(input: StatusInput): Record<string, unknown> {
  const { report, incidents, now } = input;
  // the same ranking as the incident headline: root causes over symptoms, then severity
  const leading = report ? leadingFinding(report.findings) : undefined;
  return {
    service: input.service,
    generatedAt: new Date(now).toISOString(),
    /** how often the page should ask again */
    refreshMs: Math.min(30_000, Math.max(2_000, input.intervalMs)),
    state: report === null ? 'starting' : (report.severity ?? 'ok'),
    severity: report?.severity ?? null,
    lastEvaluation: report?.startedAt ?? null,
    leadingFinding: leading ? finding(leading) : null,
    incidentsAvailable: incidents !== null,
    openIncidents: (incidents ?? []).filter((i) => i.open).map(openIncident),
    pastIncidents: pastIncidents(incidents ?? [], now),
    pastIncidentDays: PAST_INCIDENT_DAYS,
    maintenance: input.maintenance.map((w) => ({
      id: w.id,
      source: w.source,
      start: w.start,
      end: w.end,
      reason: w.reason,
      active: Date.parse(w.start) <= now && now < Date.parse(w.end),
    })),
    notices: input.notices
      .filter((n) => n.open || (n.clearedAt !== null && now - Date.parse(n.clearedAt) < NOTICE_CLEARED_SHOWN_MS))
      .map((n) => ({
        id: n.id,
        dependency: n.dependency,
        severity: n.severity,
        summary: n.summary,
        open: n.open,
        openedAt: n.openedAt,
        lastSeenAt: n.lastSeenAt,
        clearedAt: n.clearedAt,
      })),
    probes: input.probes,
  };
}
