/**
 * The engine paging about itself: "radar-probe cannot persist incident state". It is not kept among the service's
 * incidents (the lifecycle must not resolve it from probe results); it goes straight to every sink that takes P1,
 * ignoring maintenance windows, because a pager that may forget is news whatever else is going on.
 */
import type { Notification } from '../notify/types.js';
import { buildNotification } from './messages.js';
import type { Incident } from './types.js';
import type { WriteProblem } from './write-health.js';

export const SELF_INCIDENT_TITLE = 'radar-probe cannot persist incident state';

/** `where`: the state directory or ConfigMap; `remedies`: what to check there first */
export function persistenceIncident(service: string, where: string, remedies: readonly string[], problem: WriteProblem): Incident {
  const stamp = new Date(problem.since).toISOString().replace(/[-:]/g, '').slice(0, 15);
  return {
    id: `SELF-${stamp}-state`,
    service,
    family: 'other',
    status: 'INVESTIGATING',
    severity: 'P1',
    startedAt: problem.since,
    openedAt: problem.since,
    severitySince: problem.since,
    identifiedAt: null,
    monitoringAt: null,
    resolvedAt: null,
    healthySince: null,
    lastBadAt: problem.since,
    findings: [
      {
        cause: 'state_not_persisted',
        severity: 'P1',
        summary: SELF_INCIDENT_TITLE,
        evidence: [`${where}: ${problem.code} (${problem.message})`],
        runbook:
          'the incident state store (incidents.store) must take writes: a writable volume with free space, or a ConfigMap the daemon may update',
        actions: [...remedies, 'paging continues from memory; do not restart the daemon until the state is written again'],
      },
    ],
    impact: 'notifications still go out, but a restart would forget open incidents and queued notifications',
    paged: true,
    inMaintenance: false,
    escalation: { level: 0, nextAt: null },
    flaps: 0,
    notifySeq: 0,
    timeline: [],
  };
}

/** The page when the problem starts (`kind: open`) and the all-clear once a write succeeds again. */
export function persistenceNotification(incident: Incident, resolvedAt: number | null, sequence: number, now: number): Notification {
  if (resolvedAt !== null) {
    incident.status = 'RESOLVED';
    incident.resolvedAt = resolvedAt;
  }
  const kind = resolvedAt === null ? 'open' : 'resolve';
  return buildNotification(incident, { kind, sequence, now, updatesUrl: '', verifyWindowMs: 0, note: 'raised by radar-probe about itself' });
}
