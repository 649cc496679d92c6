/** What the delivery pump does to incident state: durable "done" marks, timeline entries, events, re-send snapshots. */
import type { Logger } from '../support/log.js';
import type { Severity } from '../model/types.js';
import type { DeliveryHooks } from '../notify/delivery.js';
import type { Outbox } from '../notify/outbox.js';
import { atLeast } from '../model/severity.js';
import type { Notification, OutboxEntry, Sink } from '../notify/types.js';
import type { IncidentEvents } from './events.js';
import { buildNotification } from './messages.js';
import type { PagingContext } from './paging.js';
import { MAX_DEAD_LETTERS, type IncidentState } from './state.js';
import type { Incident } from './types.js';
import { addTimeline } from './timeline.js';

export interface DeliveryDeps {
  canSend: () => boolean;
  state(): IncidentState;
  outbox: Outbox;
  log: Logger;
  now(): number;
  commit(): Promise<void>;
  events: IncidentEvents;
  paging(): PagingContext;
  rescheduled: () => void;
  /** the incident's timeline changed outside an evaluation (keeps the post-mortem file current) */
  touched(incident: Incident): Promise<void>;
  /** the runbook's "post initial communication within" per severity */
  firstNotifyWithin: Readonly<Partial<Record<Severity, number>>>;
}

const KIND_TEXT: Record<string, string> = { open: 'initial notification', update: 'update', escalate: 'escalation', resolve: 'resolution message' };

/** "47 s after start, within the P0 limit of 5 min" — the runbook's communication deadline, checked. */
function deadlineNote(incident: Incident, now: number, limitMs: number | undefined): string {
  const elapsed = now - incident.startedAt;
  const after = `${Math.round(elapsed / 1000)} s after start`;
  if (limitMs === undefined) return after;
  const limit = `${incident.severity} limit of ${Math.round(limitMs / 60_000)} min`;
  return elapsed <= limitMs ? `${after}, within the ${limit}` : `${after}: MISSED the ${limit}`;
}

function deadLetter(state: IncidentState, entry: OutboxEntry, error: string, exhausted: boolean, now: number): void {
  const n = entry.notification;
  const list = (state.deadLetters ??= []);
  list.push({
    id: entry.id,
    sink: entry.sink,
    eventId: n.eventId,
    incidentId: n.incidentId,
    kind: n.kind,
    severity: n.severity,
    title: n.title,
    attempts: entry.attempts,
    reason: exhausted ? 'retry budget spent' : 'rejected',
    lastError: error,
    deadAt: new Date(now).toISOString(),
  });
  if (list.length > MAX_DEAD_LETTERS) list.splice(0, list.length - MAX_DEAD_LETTERS);
}

export function makeDeliveryHooks(deps: DeliveryDeps): DeliveryHooks {
  const incidentOf = (entry: OutboxEntry) => deps.state().incidents.find((i) => i.id === entry.notification.incidentId);
  return {
    canSend: deps.canSend,
    rescheduled: deps.rescheduled,
    async delivered(entry) {
      deps.outbox.remove(entry.id);
      const incident = incidentOf(entry);
      const n = entry.notification;
      if (incident) {
        const deadline = n.kind === 'open' ? deadlineNote(incident, deps.now(), deps.firstNotifyWithin[incident.severity]) : '';
        if (deadline.includes('MISSED')) deps.log.warn({ incident: incident.id, sink: entry.sink }, `initial notification ${deadline}`);
        addTimeline(incident, deps.now(), 'notified', `${KIND_TEXT[n.kind]} delivered to ${entry.sink}${deadline ? ` (${deadline})` : ''}`, {
          eventId: n.eventId,
          sink: entry.sink,
        });
      }
      await deps.commit();
      if (incident) await deps.touched(incident);
      deps.events.emit('notified', {
        sink: entry.sink,
        eventId: n.eventId,
        sequence: n.sequence,
        kind: n.kind,
        incidentId: n.incidentId,
        attempts: entry.attempts,
      });
    },
    async failed(entry, error, willRetry, exhausted = false) {
      const n = entry.notification;
      const incident = incidentOf(entry);
      if (willRetry) {
        deps.log.warn({ sink: entry.sink, eventId: n.eventId, attempts: entry.attempts, error }, 'notification delivery failed; will retry');
        // the first failure is news for the timeline; the following retries are not
        if (incident && entry.attempts === 1)
          addTimeline(incident, deps.now(), 'delivery-failed', `${entry.sink}: ${error}; retrying with backoff`, {
            eventId: n.eventId,
            sink: entry.sink,
          });
      } else {
        deps.outbox.remove(entry.id);
        deadLetter(deps.state(), entry, error, exhausted, deps.now());
        if (exhausted) {
          deps.log.error(
            { code: 'RP_ERR_NOTIFY_DEAD', sink: entry.sink, eventId: n.eventId, attempts: entry.attempts, error },
            'notification still failing after its retry budget; moved to the dead-letter list',
          );
          if (incident)
            addTimeline(
              incident,
              deps.now(),
              'delivery-failed',
              `${entry.sink}: ${error}; gave up after ${entry.attempts} attempts (retry budget spent), see /api/deliveries/dead`,
              { eventId: n.eventId, sink: entry.sink },
            );
        } else {
          deps.log.error(
            { code: 'RP_ERR_NOTIFY_FAILED', sink: entry.sink, eventId: n.eventId, error },
            'notification rejected by the sink; not retried',
          );
          if (incident)
            addTimeline(incident, deps.now(), 'delivery-failed', `${entry.sink} rejected the ${KIND_TEXT[n.kind]}: ${error}; dropped`, {
              eventId: n.eventId,
              sink: entry.sink,
            });
        }
        await deps.commit();
      }
      deps.events.emit('delivery-failed', {
        sink: entry.sink,
        eventId: n.eventId,
        incidentId: n.incidentId,
        error,
        attempts: entry.attempts,
        willRetry,
      });
    },
    firing(sink: Sink): Notification[] {
      const ctx = deps.paging();
      return deps
        .state()
        .incidents.filter((i) => i.status !== 'RESOLVED' && i.paged && atLeast(i.severity, sink.minSeverity))
        .map((i) =>
          buildNotification(i, {
            kind: 'update',
            sequence: 0,
            now: ctx.now,
            updatesUrl: ctx.updatesUrl,
            verifyWindowMs: ctx.verifyWindowMs,
            snapshot: true,
          }),
        );
    },
  };
}
