/** The way out of an incident: MONITORING while the family is clean, RESOLVED once verification held for the window. */
import type { Effect, LifecycleEnv } from './lifecycle.js';
import { durationWords } from './templates.js';
import { addTimeline } from './timeline.js';
import type { Incident } from './types.js';

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
