/** The way out of an incident: MONITORING while the family is clean, RESOLVED once verification held for the window. */
import { atLeast, worse } from '../model/severity.js';
import type { Finding } from '../model/types.js';
import { isRootCause } from '../runbook/catalogue.js';
import type { Effect, LifecycleEnv } from './effects.js';
import type { IncidentState } from './state.js';
import { durationWords } from './templates.js';
import { addTimeline } from './timeline.js';
import type { Family, Incident } from './types.js';

export function recovering(incident: Incident, verifyFailures: readonly string[], env: LifecycleEnv): Effect[] {
  const effects: Effect[] = [];
  if (incident.status !== 'MONITORING') {
    const first = incident.monitoringAt === null;
    incident.status = 'MONITORING';
    incident.monitoringAt = env.now;
    addTimeline(incident, env.now, 'monitoring', 'No findings in this family: signals back to normal, verifying', { status: 'MONITORING' });
    effects.push({ type: 'event', name: 'monitoring', incident });
    if (first) effects.push({ type: 'notify', incident, kind: 'update', note: `signals back to normal; resolving after verification holds for ${durationWords(env.verifyWindowMs)}` });
  }
  if (verifyFailures.length > 0) {
    if (incident.healthySince !== null) addTimeline(incident, env.now, 'verifying', `Verification interrupted: ${verifyFailures.join('; ')}`);
    incident.healthySince = null;
  } else if (incident.healthySince === null) {
    incident.healthySince = env.now;
    addTimeline(incident, env.now, 'verifying', 'Verification checks pass: error rate < 1 %, p95 < 300 ms, pods healthy');
  }
  return [...effects, ...resolveIfVerified(incident, env)];
}

/** RESOLVED once the checks have held for the whole window (also called from timers). */
export function resolveIfVerified(incident: Incident, env: Pick<LifecycleEnv, 'now' | 'verifyWindowMs'>): Effect[] {
  if (incident.status !== 'MONITORING' || incident.healthySince === null) return [];
  if (env.now - incident.healthySince < env.verifyWindowMs) return [];
  incident.status = 'RESOLVED';
  incident.resolvedAt = env.now;
  incident.escalation.nextAt = null;
  addTimeline(incident, env.now, 'resolved', `Verification held for ${durationWords(env.verifyWindowMs)}; resolved after ${durationWords(env.now - incident.startedAt)}`, {
    status: 'RESOLVED',
  });
  return [
    { type: 'event', name: 'resolved', incident },
    { type: 'notify', incident, kind: 'resolve' },
  ];
}

/**
 * When an outage ends, the rolling window still holds its failed samples, and they read as an error rate once the
 * endpoints answer again. For one window after another incident of the service started recovering, findings that
 * only restate a symptom (no worse than that incident) are its echo, not a new incident: its verification watches
 * the same numbers and keeps it open meanwhile. After that window the echo is gone; what remains is real.
 */
export function echoOfRecovery(state: IncidentState, family: Family, findings: readonly Finding[], env: LifecycleEnv): boolean {
  const windowMs = env.echoWindowMs ?? 0;
  if (windowMs <= 0 || findings.length === 0 || findings.some((f) => isRootCause(f.cause))) return false;
  const severity = findings.map((f) => f.severity).reduce(worse);
  return state.incidents.some(
    (i) => i.service === env.service && i.family !== family && i.status === 'MONITORING' && i.monitoringAt !== null && env.now - i.monitoringAt <= windowMs && atLeast(i.severity, severity),
  );
}
