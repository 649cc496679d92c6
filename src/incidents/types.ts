/** The incident record as persisted and as served by /api/incidents. Stable: add fields, never rename. */
import type { Finding, IncidentStatus, Severity } from '../model/types.js';
import type { Family } from '../runbook/catalogue.js';

export type { Family, IncidentStatus };

export type TimelineKind =
  | 'detected'
  | 'opened'
  | 'identified'
  | 'upgraded'
  | 'finding'
  | 'monitoring'
  | 'verifying'
  | 'relapsed'
  | 'resolved'
  | 'escalated'
  | 'queued'
  | 'notified'
  | 'delivery-failed'
  | 'maintenance';

export interface TimelineEvent {
  /** ISO-8601, from the manager's clock */
  at: string;
  kind: TimelineKind;
  message: string;
  status?: IncidentStatus;
  severity?: Severity;
  /** the notification event this entry is about (queued / notified / delivery-failed) */
  eventId?: string;
  sink?: string;
}

export interface Incident {
  id: string;
  service: string;
  family: Family;
  status: IncidentStatus;
  /** the worst severity seen; an incident never downgrades */
  severity: Severity;
  /** first bad evaluation of the streak that opened it: the template's "Start Time" */
  startedAt: number;
  openedAt: number;
  severitySince: number;
  identifiedAt: number | null;
  monitoringAt: number | null;
  resolvedAt: number | null;
  /** start of the current run of evaluations that passed every verify check */
  healthySince: number | null;
  lastBadAt: number;
  /** every cause seen, worst finding per cause, latest evidence */
  findings: Finding[];
  impact: string;
  /** true once a notification went into the outbox (false while opened inside a maintenance window) */
  paged: boolean;
  inMaintenance: boolean;
  escalation: { level: number; nextAt: number | null };
  flaps: number;
  /** per-incident counter behind notification event ids */
  notifySeq: number;
  timeline: TimelineEvent[];
}

export interface IncidentView {
  id: string;
  service: string;
  family: Family;
  status: IncidentStatus;
  severity: Severity;
  open: boolean;
  startedAt: string;
  openedAt: string;
  resolvedAt: string | null;
  durationMs: number;
  impact: string;
  causes: string[];
  findings: Finding[];
  escalationLevel: number;
  escalatedTo: string;
  inMaintenance: boolean;
  postmortem: boolean;
  timeline: TimelineEvent[];
}

export interface MaintenanceWindow {
  start: number;
  end: number;
  reason: string;
  /** windows set through the API: an id to list and delete them by, and the name of the token that set it */
  id?: string;
  by?: string;
}

/** GET /api/maintenance: config windows have no id (they end when the config says) */
export interface MaintenanceListing {
  id: string | null;
  source: 'config' | 'api';
  start: string;
  end: string;
  reason: string;
  by: string | null;
}
