/** The way out of an incident: MONITORING while the service is clean, RESOLVED once verification held for the window. */
import type { Effect, LifecycleEnv } from './effects.js';
import { durationWords } from './templates.js';
import { addTimeline } from './timeline.js';
import type { Incident } from './types.js';

/**
 * The samples since `judgedFrom` showed no finding. Verification counts from where those samples begin (the
 * recovery), not from this evaluation, so a clean recovery resolves at recovery + verifyWindow (+ the interval it
 * takes to see it). Entering MONITORING pages nobody: the next message is the resolution, or nothing if it relapses.
 */
export function recovering(incident: Incident, verifyFailures: readonly string[], judgedFrom: number, env: LifecycleEnv): Effect[] {
  const effects: Effect[] = [];
  if (incident.status !== 'MONITORING') {
    incident.status = 'MONITORING';
    incident.monitoringAt = env.now;
    addTimeline(incident, env.now, 'monitoring', 'No findings since the last bad evaluation: signals back to normal, verifying', {
      status: 'MONITORING',
    });
    effects.push({ type: 'event', name: 'monitoring', incident });
  }
  if (verifyFailures.length > 0) {
    if (incident.healthySince !== null) addTimeline(incident, env.now, 'verifying', `Verification interrupted: ${verifyFailures.join('; ')}`);
    incident.healthySince = null;
    // the next verification judges the samples after this one, not these again
    incident.verifyFrom = env.now;
  } else if (incident.healthySince === null) {
    incident.healthySince = Math.min(judgedFrom, env.now);
    addTimeline(
      incident,
      env.now,
      'verifying',
      `Verification checks pass on the samples since ${new Date(incident.healthySince).toISOString()}: error rate < 1 %, p95 < 300 ms, pods healthy`,
    );
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
  addTimeline(
    incident,
    env.now,
    'resolved',
    `Verification held for ${durationWords(env.verifyWindowMs)}; resolved after ${durationWords(env.now - incident.startedAt)}`,
    {
      status: 'RESOLVED',
    },
  );
  return [
    { type: 'event', name: 'resolved', incident },
    { type: 'notify', incident, kind: 'resolve' },
  ];
}
