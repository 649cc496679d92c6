/**
 * Paging policy between the state machine and the outbox: maintenance windows, severity floors per sink,
 * escalation routes. Whatever is decided is written on the incident's timeline.
 */
import type { Outbox } from '../notify/outbox.js';
import { atLeast } from '../model/severity.js';
import type { NotificationKind, Sink } from '../notify/types.js';
import type { Severity } from '../model/types.js';
import { escalationSinks, firstEscalationAt, takeDueStep, type EscalationPolicy, type EscalationStep } from './escalation.js';
import { activeWindow, describeWindow } from './maintenance.js';
import { buildNotification } from './messages.js';
import type { IncidentState } from './state.js';
import { addTimeline } from './timeline.js';
import type { Effect } from './lifecycle.js';
import type { Incident, MaintenanceWindow } from './types.js';

export interface PagingContext {
  state: IncidentState;
  outbox: Outbox;
  sinks: readonly Sink[];
  policy: EscalationPolicy;
  windows: readonly MaintenanceWindow[];
  now: number;
  updatesUrl: string;
  verifyWindowMs: number;
}

export interface QueueOptions {
  previousSeverity?: Severity | null;
  note?: string;
  escalation?: EscalationStep;
}

const LABEL: Record<NotificationKind, string> = {
  open: 'Initial notification',
  update: 'Update',
  escalate: 'Escalation',
  resolve: 'Resolution message',
};

export function queueNotification(ctx: PagingContext, incident: Incident, requested: NotificationKind, options: QueueOptions = {}): void {
  const window = activeWindow(ctx.windows, ctx.now);
  if (window && requested !== 'resolve') {
    if (!incident.paged) incident.inMaintenance = true;
    addTimeline(incident, ctx.now, 'maintenance', `${LABEL[requested]} not paged: ${describeWindow(window)}`);
    return;
  }
  const inhibitor = requested === 'resolve' ? undefined : inhibitedBy(ctx.state, incident);
  if (inhibitor) {
    addTimeline(incident, ctx.now, 'queued', `${LABEL[requested]} not sent: ${inhibitor.id} (${inhibitor.severity}) is open for ${incident.service}`);
    return;
  }
  if (requested === 'resolve' && !incident.paged) {
    addTimeline(incident, ctx.now, 'maintenance', 'Resolution message not sent: the incident was never paged (maintenance)');
    return;
  }
  // whatever reaches people first about an incident is its opening message
  const kind = incident.paged ? requested : 'open';
  incident.paged = true;
  let targets = ctx.sinks.filter((s) => atLeast(incident.severity, s.minSeverity)).map((s) => s.id);
  if (kind === 'escalate' && options.escalation) targets = escalationSinks(ctx.policy, options.escalation.to, targets);
  if (targets.length === 0) {
    const why =
      kind === 'escalate'
        ? `the route for "${options.escalation?.to}" names no sink taking ${incident.severity}`
        : `no sink takes ${incident.severity}`;
    addTimeline(incident, ctx.now, 'queued', `${LABEL[kind]} not sent: ${why}`);
    return;
  }
  ctx.state.sequence += 1;
  const notification = buildNotification(incident, {
    kind,
    sequence: ctx.state.sequence,
    now: ctx.now,
    updatesUrl: ctx.updatesUrl,
    verifyWindowMs: ctx.verifyWindowMs,
    previousSeverity: options.previousSeverity ?? null,
    escalation: options.escalation ?? null,
    ...(options.note ? { note: options.note } : {}),
  });
  ctx.outbox.enqueue(notification, targets, ctx.now);
  addTimeline(incident, ctx.now, 'queued', `${LABEL[kind]} (${notification.status}, ${notification.severity}) queued for ${targets.join(', ')}`, {
    eventId: notification.eventId,
  });
}

/**
 * Inhibition, as Alertmanager's inhibit rules: while a P0/P1 incident is open for a service, no P2/P3 message goes
 * out for that service. With one incident per episode this only bites on a state holding several (older versions).
 */
export function inhibitedBy(state: IncidentState, incident: Incident): Incident | undefined {
  if (atLeast(incident.severity, 'P1')) return undefined;
  return state.incidents.find((i) => i !== incident && i.service === incident.service && i.status !== 'RESOLVED' && atLeast(i.severity, 'P1'));
}

/** Escalation steps now due; paused while monitoring, unpaged, or inside a maintenance window. */
export function escalateDue(ctx: PagingContext, incident: Incident): EscalationStep[] {
  if (incident.status === 'RESOLVED' || incident.status === 'MONITORING' || !incident.paged) return [];
  if (activeWindow(ctx.windows, ctx.now)) return [];
  const steps: EscalationStep[] = [];
  for (let step = takeDueStep(incident, ctx.policy, ctx.now); step; step = takeDueStep(incident, ctx.policy, ctx.now)) {
    addTimeline(incident, ctx.now, 'escalated', `Unresolved ${incident.severity}: escalated to level ${step.level + 1}, ${step.to}`, {
      severity: incident.severity,
    });
    queueNotification(ctx, incident, 'escalate', { escalation: step });
    steps.push(step);
  }
  return steps;
}

/** An incident opened inside a window that is still failing after it ends gets its opening page then. */
export function pageAfterMaintenance(ctx: PagingContext, incident: Incident): boolean {
  if (incident.paged || incident.status === 'RESOLVED' || incident.status === 'MONITORING') return false;
  if (activeWindow(ctx.windows, ctx.now)) return false;
  addTimeline(incident, ctx.now, 'maintenance', 'Maintenance window over and the incident is still open: paging now');
  incident.escalation.nextAt = firstEscalationAt(ctx.policy, incident.severity, ctx.now);
  queueNotification(ctx, incident, 'open', { note: 'opened during a maintenance window and still failing after it ended' });
  return true;
}

/** When this incident's timer-driven paging work (escalation, a window's end) falls due; null when none. */
export function nextPagingDue(ctx: PagingContext, incident: Incident): number | null {
  if (incident.status === 'RESOLVED' || incident.status === 'MONITORING') return null;
  const window = activeWindow(ctx.windows, ctx.now);
  if (!incident.paged) return window ? window.end : null;
  const next = incident.escalation.nextAt;
  return next === null ? null : window ? Math.max(next, window.end) : next;
}

export interface PagingPlan {
  touched: Set<Incident>;
  escalations: { incident: Incident; level: number; to: string }[];
}

/** One cycle's paging: queue what the state machine asked for, then late pages and due escalations. */
export function planPaging(ctx: PagingContext, effects: readonly Effect[]): PagingPlan {
  const plan: PagingPlan = { touched: new Set(effects.map((e) => e.incident)), escalations: [] };
  for (const effect of effects) {
    if (effect.type !== 'notify') continue;
    queueNotification(ctx, effect.incident, effect.kind, {
      previousSeverity: effect.previousSeverity ?? null,
      ...(effect.note ? { note: effect.note } : {}),
    });
  }
  for (const incident of ctx.state.incidents) {
    if (pageAfterMaintenance(ctx, incident)) plan.touched.add(incident);
    for (const step of escalateDue(ctx, incident)) {
      plan.touched.add(incident);
      plan.escalations.push({ incident, level: step.level, to: step.to });
    }
  }
  return plan;
}

/** The earliest moment timer-driven work is due: a verify window ending, an escalation, a window closing. */
export function earliestDue(ctx: PagingContext, alsoDue: number | null): number | null {
  let due = alsoDue;
  const consider = (at: number | null): void => {
    if (at !== null && (due === null || at < due)) due = at;
  };
  for (const incident of ctx.state.incidents) {
    if (incident.status === 'MONITORING' && incident.healthySince !== null) consider(incident.healthySince + ctx.verifyWindowMs);
    consider(nextPagingDue(ctx, incident));
  }
  return due;
}
