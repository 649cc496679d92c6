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

/**
 * An update message not sent yet: a worsening episode crosses the bands one evaluation after another (the error rate
 * reaches P1 before the endpoints read as down), and people should get one update for it, not one per band.
 */
export interface HeldUpdate {
  /** the severity people were last told */
  from: Severity;
  /** the evaluation that started holding */
  since: number;
  /** evaluations since the last rise */
  quiet: number;
  /** other news held with it (a cause identified) */
  notes: string[];
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
  /** after an interrupted verification: where the samples of the next one begin (absent in older state files) */
  verifyFrom?: number | null;
  lastBadAt: number;
  /** an upgrade below P0 whose update message waits to settle (absent in older state files: none held) */
  heldUpdate?: HeldUpdate | null;
  /** the cause the incident is led by: root causes over symptoms, then severity (absent in older state files) */
  leadingCause?: string | null;
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
  /** the cause the headline names: root causes over symptoms, then severity */
  leadingCause: string | null;
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

/**
 * An external dependency failing on its own check: shown (API, metrics, status page) and sent only to sinks with
 * `notices: true`, never paged as an incident. Stable: add fields, never rename.
 */
export interface DependencyNotice {
  id: string;
  kind: 'notice';
  service: string;
  /** `openai`, `github` or an `external.others` name */
  dependency: string;
  status: 'OPEN' | 'CLEARED';
  /** what the dependency's check rated it, for reading only: a notice pages nobody */
  severity: Severity;
  summary: string;
  findings: Finding[];
  openedAt: number;
  lastSeenAt: number;
  clearedAt: number | null;
  notifySeq: number;
}

export interface NoticeView {
  id: string;
  kind: 'notice';
  service: string;
  dependency: string;
  status: 'OPEN' | 'CLEARED';
  open: boolean;
  severity: Severity;
  summary: string;
  causes: string[];
  findings: Finding[];
  openedAt: string;
  lastSeenAt: string;
  clearedAt: string | null;
}
