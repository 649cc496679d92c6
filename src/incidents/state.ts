/** The persisted document: everything needed to continue after a restart, validated on load. */
import { z } from 'zod';
import type { DeadLetter, OutboxEntry } from '../notify/types.js';
import type { Severity } from '../model/types.js';
import type { DependencyNotice, Incident } from './types.js';

export const STATE_VERSION = 1;

export interface PendingStreak {
  count: number;
  firstAt: number;
  severity: Severity;
}

export interface IncidentState {
  version: number;
  /** last incident number handed out; ids are never reused */
  incidentCounter: number;
  /** last notification sequence handed out */
  sequence: number;
  /** consecutive bad evaluations per service (and `notice:service:dependency`) that have not opened anything yet */
  pending: Record<string, PendingStreak>;
  incidents: Incident[];
  /** dependency notices (added after version 1 files were first written: absent there, read as none) */
  notices: DependencyNotice[];
  noticeCounter: number;
  outbox: OutboxEntry[];
  /** newest last, at most MAX_DEAD_LETTERS; absent in files written before dead-lettering existed */
  deadLetters?: DeadLetter[];
}

export const MAX_DEAD_LETTERS = 200;

export function emptyState(): IncidentState {
  return {
    version: STATE_VERSION,
    incidentCounter: 0,
    sequence: 0,
    pending: {},
    incidents: [],
    notices: [],
    noticeCounter: 0,
    outbox: [],
    deadLetters: [],
  };
}

const severity = z.enum(['P0', 'P1', 'P2', 'P3']);
const status = z.enum(['INVESTIGATING', 'IDENTIFIED', 'MONITORING', 'RESOLVED']);
const family = z.enum(['availability', 'errors', 'latency', 'other']);
const num = z.number().finite();
const finding = z.object({
  cause: z.string(),
  severity,
  summary: z.string(),
  evidence: z.array(z.string()),
  runbook: z.string(),
  actions: z.array(z.string()),
});
const timelineEvent = z
  .object({
    at: z.string(),
    kind: z.string(),
    message: z.string(),
    status: status.optional(),
    severity: severity.optional(),
    eventId: z.string().optional(),
    sink: z.string().optional(),
  })
  .passthrough();

const incident = z
  .object({
    id: z.string().min(1),
    service: z.string(),
    family,
    status,
    severity,
    startedAt: num,
    openedAt: num,
    severitySince: num,
    identifiedAt: num.nullable(),
    monitoringAt: num.nullable(),
    resolvedAt: num.nullable(),
    healthySince: num.nullable(),
    verifyFrom: num.nullable().optional(),
    leadingCause: z.string().nullable().optional(),
    lastBadAt: num,
    heldUpdate: z
      .object({ from: severity, since: num, quiet: z.number().int().min(0), notes: z.array(z.string()) })
      .nullable()
      .optional(),
    findings: z.array(finding),
    impact: z.string(),
    paged: z.boolean(),
    inMaintenance: z.boolean(),
    escalation: z.object({ level: z.number().int().min(0), nextAt: num.nullable() }),
    flaps: z.number().int().min(0),
    notifySeq: z.number().int().min(0),
    timeline: z.array(timelineEvent),
  })
  .passthrough();

const notification = z
  .object({
    eventId: z.string(),
    sequence: z.number().int(),
    kind: z.enum(['open', 'update', 'escalate', 'resolve']),
    incidentId: z.string(),
    severity,
    findings: z.array(finding),
  })
  .passthrough();

const notice = z
  .object({
    id: z.string().min(1),
    kind: z.literal('notice'),
    service: z.string(),
    dependency: z.string(),
    status: z.enum(['OPEN', 'CLEARED']),
    severity,
    summary: z.string(),
    findings: z.array(finding),
    openedAt: num,
    lastSeenAt: num,
    clearedAt: num.nullable(),
    notifySeq: z.number().int().min(0),
  })
  .passthrough();

const outboxEntry = z.object({
  id: z.string(),
  sink: z.string(),
  notification,
  attempts: z.number().int().min(0),
  nextAttemptAt: num,
  lastError: z.string().nullable(),
  firstAttemptAt: num.optional(),
});
const deadLetter = z
  .object({
    id: z.string(),
    sink: z.string(),
    eventId: z.string(),
    incidentId: z.string(),
    attempts: z.number().int().min(0),
    lastError: z.string(),
    deadAt: z.string(),
  })
  .passthrough();

export const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  incidentCounter: z.number().int().min(0),
  sequence: z.number().int().min(0),
  pending: z.record(z.object({ count: z.number().int().min(0), firstAt: num, severity })),
  incidents: z.array(incident),
  notices: z.array(notice).optional(),
  noticeCounter: z.number().int().min(0).optional(),
  outbox: z.array(outboxEntry),
  deadLetters: z.array(deadLetter).optional(),
});

/**
 * Validates a parsed document and returns it as it was read (not zod's rebuilt copy), so a queued notification
 * keeps its exact bytes across restarts. The cast is sound: the schema checks every field the code reads.
 */
export function parseState(document: unknown): { ok: true; state: IncidentState } | { ok: false; problem: string } {
  const parsed = stateSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}` };
  }
  const state = document as IncidentState;
  state.notices ??= [];
  state.noticeCounter ??= 0;
  return { ok: true, state };
}

/**
 * Drops resolved incidents older than `keepMs`, then the oldest beyond `maxResolved`, but only those whose messages
 * are all delivered; returns their ids.
 */
export function pruneResolved(state: IncidentState, now: number, keepMs: number, maxResolved = Number.POSITIVE_INFINITY): string[] {
  const queued = new Set(state.outbox.map((e) => e.notification.incidentId));
  const resolved = state.incidents.filter((i) => i.resolvedAt !== null).sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0));
  const gone = resolved.filter((i, newest) => (now - (i.resolvedAt ?? now) > keepMs || newest >= maxResolved) && !queued.has(i.id)).map((i) => i.id);
  if (gone.length > 0) state.incidents = state.incidents.filter((i) => !gone.includes(i.id));
  return gone;
}
