/**
 * The state machine, pure over the persisted state: INVESTIGATING → IDENTIFIED → MONITORING → RESOLVED.
 * It returns effects (notifications to queue, events to emit) and leaves paging policy to the manager.
 */
import { worse } from '../model/severity.js';
import type { Finding, Severity } from '../model/types.js';
import { firstEscalationAt, onUpgrade } from './escalation.js';
import { FAMILIES, isRootCause } from '../runbook/catalogue.js';
import type { IncidentState } from './state.js';
import { echoOfRecovery, recovering } from './recovery.js';
import { describeImpact } from './templates.js';
import { addTimeline } from './timeline.js';
import type { Effect, LifecycleEnv } from './effects.js';
import type { Family, Incident } from './types.js';

export type { Effect, LifecycleEnv, LifecycleEventName } from './effects.js';

export function worstOf(findings: readonly Finding[]): Severity {
  return findings.reduce<Severity>((acc, f) => worse(acc, f.severity), 'P3');
}

export function openIncident(state: IncidentState, service: string, family: Family): Incident | undefined {
  return state.incidents.find((i) => i.service === service && i.family === family && i.status !== 'RESOLVED');
}

/** Applies one evaluation: `byFamily` holds this report's findings per family, `verifyFailures` the global checks. */
export function applyEvaluation(state: IncidentState, byFamily: ReadonlyMap<Family, Finding[]>, verifyFailures: readonly string[], env: LifecycleEnv): Effect[] {
  const effects: Effect[] = [];
  for (const family of FAMILIES) {
    const findings = byFamily.get(family) ?? [];
    const incident = openIncident(state, env.service, family);
    const key = `${env.service}|${family}`;
    if (findings.length === 0) {
      delete state.pending[key];
      if (incident) effects.push(...recovering(incident, verifyFailures, env));
    } else if (incident) {
      effects.push(...stillBad(incident, findings, env));
    } else if (echoOfRecovery(state, family, findings, env)) {
      delete state.pending[key];
    } else {
      const streak = state.pending[key] ?? { count: 0, firstAt: env.now, severity: 'P3' as Severity };
      streak.count += 1;
      streak.severity = worse(streak.severity, worstOf(findings));
      state.pending[key] = streak;
      if (streak.count >= env.openAfter) {
        delete state.pending[key];
        const opened = open(family, findings, streak.firstAt, streak.count, env);
        state.incidents.push(opened);
        effects.push({ type: 'event', name: 'opened', incident: opened }, { type: 'notify', incident: opened, kind: 'open' });
      }
    }
  }
  return effects;
}

function open(family: Family, findings: Finding[], firstAt: number, streak: number, env: LifecycleEnv): Incident {
  const severity = worstOf(findings);
  const identified = findings.some((f) => isRootCause(f.cause));
  const incident: Incident = {
    id: env.newId(family),
    service: env.service,
    family,
    status: identified ? 'IDENTIFIED' : 'INVESTIGATING',
    severity,
    startedAt: firstAt,
    openedAt: env.now,
    severitySince: env.now,
    identifiedAt: identified ? env.now : null,
    monitoringAt: null,
    resolvedAt: null,
    healthySince: null,
    lastBadAt: env.now,
    findings: findings.map((f) => ({ ...f })),
    impact: describeImpact(severity, findings),
    paged: false,
    inMaintenance: false,
    escalation: { level: 0, nextAt: firstEscalationAt(env.policy, severity, env.now) },
    flaps: 0,
    notifySeq: 0,
    timeline: [],
  };
  addTimeline(incident, firstAt, 'detected', `First bad evaluation: ${findings.map((f) => f.cause).join(', ')}`, { severity });
  addTimeline(incident, env.now, 'opened', `Opened as ${severity} after ${streak} consecutive bad evaluation${streak === 1 ? '' : 's'}`, { status: incident.status, severity });
  if (identified) addTimeline(incident, env.now, 'identified', `Cause found: ${findings.filter((f) => isRootCause(f.cause)).map((f) => f.cause).join(', ')}`);
  return incident;
}

function stillBad(incident: Incident, findings: Finding[], env: LifecycleEnv): Effect[] {
  const effects: Effect[] = [];
  const notes: string[] = [];
  const previous = incident.severity;
  const newCauses = mergeFindings(incident, findings);
  for (const cause of newCauses) addTimeline(incident, env.now, 'finding', `New cause: ${cause}`);
  incident.lastBadAt = env.now;
  if (incident.healthySince !== null) addTimeline(incident, env.now, 'verifying', 'Verification interrupted: findings are back');
  incident.healthySince = null;
  const severity = worse(previous, worstOf(findings));
  let notify = false;
  if (severity !== previous) {
    incident.severity = severity;
    incident.severitySince = env.now;
    onUpgrade(incident, env.policy, env.now);
    addTimeline(incident, env.now, 'upgraded', `Severity upgraded ${previous} → ${severity}`, { severity });
    notes.push(`severity upgraded from ${previous} to ${severity}`);
    notify = true;
  }
  const hasRoot = incident.findings.some((f) => isRootCause(f.cause));
  let changed = notify || newCauses.length > 0;
  if (incident.status === 'MONITORING') {
    changed = true;
    incident.flaps += 1;
    incident.status = hasRoot ? 'IDENTIFIED' : 'INVESTIGATING';
    addTimeline(incident, env.now, 'relapsed', `Relapse #${incident.flaps} while monitoring: back to ${incident.status}`, { status: incident.status });
    // a flapping target keeps its one incident; only the first relapse is worth a message
    if (incident.flaps === 1) {
      notes.push('signals degraded again while monitoring');
      notify = true;
    }
  } else if (incident.status === 'INVESTIGATING' && hasRoot) {
    incident.status = 'IDENTIFIED';
    incident.identifiedAt = env.now;
    addTimeline(incident, env.now, 'identified', `Cause found: ${incident.findings.filter((f) => isRootCause(f.cause)).map((f) => f.cause).join(', ')}`, { status: 'IDENTIFIED' });
    effects.push({ type: 'event', name: 'identified', incident });
    notes.push('cause identified');
    notify = true;
  }
  incident.impact = describeImpact(incident.severity, findings);
  if (changed) effects.push({ type: 'event', name: 'updated', incident });
  if (notify) {
    effects.push({ type: 'notify', incident, kind: 'update', previousSeverity: severity !== previous ? previous : null, note: notes.join('; ') });
  }
  return effects;
}

/** Worst finding per cause with the latest evidence; returns the causes seen for the first time. */
function mergeFindings(incident: Incident, findings: readonly Finding[]): string[] {
  const added: string[] = [];
  for (const f of findings) {
    const index = incident.findings.findIndex((existing) => existing.cause === f.cause);
    if (index < 0) {
      incident.findings.push({ ...f });
      added.push(f.cause);
    } else {
      incident.findings[index] = { ...f, severity: worse(incident.findings[index]!.severity, f.severity) };
    }
  }
  return added;
}
