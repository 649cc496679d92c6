/** What travels through the outbox to the sinks. A Notification is rendered once, persisted, and never re-rendered. */
import type { Dispatcher } from 'undici';
import type { Logger } from '../support/log.js';
import type { Family } from '../runbook/catalogue.js';
import type { Finding, IncidentStatus, Severity } from '../model/types.js';
import type { Redactor } from '../support/redact.js';

export type NotificationKind = 'open' | 'update' | 'escalate' | 'resolve';

export interface Notification {
  /** `<incident id>.<n>`: unique and stable, the receiver's idempotency key */
  eventId: string;
  /** strictly increasing over everything queued; a sink that takes every message sees no gaps, so it can spot a loss */
  sequence: number;
  kind: NotificationKind;
  /** DEPENDENCY NOTICE[ CLEARED]: a dependency failing on its own check, sent only to sinks with `notices: true` */
  template: 'INCIDENT' | 'INCIDENT RESOLVED' | 'DEPENDENCY NOTICE' | 'DEPENDENCY NOTICE CLEARED';
  incidentId: string;
  service: string;
  family: Family;
  status: IncidentStatus;
  severity: Severity;
  /** set when this update raised the severity (Alertmanager must end the alert under the old label) */
  previousSeverity: Severity | null;
  title: string;
  /** the runbook template, filled in, followed by the findings and their runbook actions */
  text: string;
  /** the template's fields in the runbook's order (Status, Severity, Service, …) */
  fields: Record<string, string>;
  findings: Finding[];
  escalation: { level: number; to: string } | null;
  startedAt: string;
  resolvedAt: string | null;
  createdAt: string;
  url: string;
  maintenance: boolean;
}

export interface OutboxEntry {
  /** `<eventId>@<sink>` */
  id: string;
  sink: string;
  notification: Notification;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  /** when the first attempt was made: the retry budget counts from here */
  firstAttemptAt?: number;
}

/** A message that will not be sent: rejected by its sink, or still failing when its retry budget ran out. */
export interface DeadLetter {
  id: string;
  sink: string;
  eventId: string;
  incidentId: string;
  kind: NotificationKind;
  severity: Severity;
  title: string;
  attempts: number;
  reason: 'rejected' | 'retry budget spent';
  lastError: string;
  /** ISO-8601 */
  deadAt: string;
}

export type DeliveryResult =
  { ok: true; status: number | null } | { ok: false; retryable: boolean; status: number | null; error: string; retryAfterMs: number | null };

export interface SinkContext {
  log: Logger;
  dispatcher: Dispatcher | undefined;
  now: () => number;
  /** aborted when the manager closes, so shutdown does not wait out a slow sink */
  signal: AbortSignal;
  /** scrubs secrets from what a sink answered before it is logged or stored */
  redact?: Redactor;
}

export interface Sink {
  /** bounded label value: the configured name, else the type */
  readonly id: string;
  readonly type: 'log' | 'webhook' | 'slack' | 'pagerduty' | 'alertmanager';
  readonly minSeverity: Severity;
  /** takes dependency notices too (config `notices: true`); incidents go to every sink by severity either way */
  readonly notices?: boolean;
  /** `budget`: how long one message may keep failing at the head of the queue before it is dead-lettered */
  readonly retry: { initial: number; max: number; jitter: number; budget?: number };
  /** one attempt's deadline; past it the attempt counts as failed even if the sink never answers */
  readonly timeoutMs?: number;
  deliver(notification: Notification, ctx: SinkContext): Promise<DeliveryResult>;
  /** re-assert a still-firing incident (Alertmanager forgets alerts after its resolve_timeout) */
  readonly resendEvery?: number;
}
