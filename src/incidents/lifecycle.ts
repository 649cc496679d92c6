/**
 * The state machine, pure over the persisted state: INVESTIGATING → IDENTIFIED → MONITORING → RESOLVED.
 * It returns effects (notifications to queue, events to emit) and leaves paging policy to the manager.
 */
import { worse } from '../model/severity.js';
import type { Finding, Severity } from '../model/types.js';
import { firstEscalationAt, onUpgrade } from './escalation.js';
import { familyOf, isRootCause } from '../runbook/catalogue.js';
import type { IncidentState } from './state.js';
import { recovering } from './recovery.js';
import { settleUpdate } from './settle.js';
import { describeImpact, leadingFinding } from './templates.js';
import { addTimeline } from './timeline.js';
import type { Effect, LifecycleEnv } from './effects.js';
import type { Incident } from './types.js';

export type { Effect, LifecycleEnv, LifecycleEventName } from './effects.js';

/**
 * What one evaluation says about the service (dependency notices taken out). `findings` read the whole rolling
 * window: what is wrong and how badly. `recent` read only the samples since the service's mark (see
 * `judgedFrom`): whether it is still failing or recovering, so the window's memory of an outage that ended neither
 * keeps an incident open nor opens a new one.
 */
export interface ServiceReading {
  findings: readonly Finding[];
  recent: readonly Finding[];
  /** the runbook's verify checks over the recent samples */
  verifyFailures: readonly string[];
  /** false when the recent samples hold nothing to judge (no sample arrived since the mark) */
  evidence: boolean;
  /** where the recent samples begin */
  judgedFrom: number;
}

export function worstOf(findings: readonly Finding[]): Severity {
  return findings.reduce<Severity>((acc, f) => worse(acc, f.severity), 'P3');
}

/** The open incidents of a service: one per episode (a state written by an older version may hold several). */
export function openIncidents(state: IncidentState, service: string): Incident[] {
  return state.incidents.filter((i) => i.service === service && i.status !== 'RESOLVED');
}

/**
 * Where the samples that decide this evaluation begin: for an open incident the start of its verification (or of
 * the samples after its last bad evaluation); otherwise the start of the last episode's clean verification, so the
 * outage it verified as over is not read again. null: the whole window.
 */
export function judgedFrom(state: IncidentState, service: string): number | null {
  const open = openIncidents(state, service)[0];
  if (open) return open.healthySince ?? open.verifyFrom ?? open.lastBadAt;
  let latest: Incident | undefined;
  for (const i of state.incidents) if (i.service === service && i.resolvedAt !== null && (!latest || i.resolvedAt > latest.resolvedAt!)) latest = i;
  return latest ? (latest.healthySince ?? latest.resolvedAt) : null;
}

/** Applies one evaluation to the service's episode: join the open incident, recover it, or count towards opening one. */
export function applyEvaluation(state: IncidentState, reading: ServiceReading, env: LifecycleEnv): Effect[] {
  for (const key of Object.keys(state.pending)) if (key.startsWith(`${env.service}|`)) delete state.pending[key];
  const key = env.service;
  const open = openIncidents(state, env.service);
  if (open.length > 0) {
    delete state.pending[key];
    const bad = reading.recent.length > 0;
    // what is wrong and how badly comes from the whole window; a few recent samples overstate (one failed sample
    // of each endpoint reads as "all endpoints down") and only say whether it is still failing
    const findings = reading.findings.length > 0 ? reading.findings : reading.recent;
    return open.flatMap((incident) =>
      bad
        ? stillBad(incident, findings, env)
        : reading.evidence
          ? [...settleUpdate(incident, null, false, env.now), ...recovering(incident, reading.verifyFailures, reading.judgedFrom, env)]
          : [],
    );
  }
  if (reading.recent.length === 0) {
    delete state.pending[key];
    return [];
  }
  const streak = state.pending[key] ?? { count: 0, firstAt: env.now, severity: 'P3' };
  streak.count += 1;
  streak.severity = worse(streak.severity, worstOf(reading.recent));
  state.pending[key] = streak;
  if (streak.count < env.openAfter) return [];
  delete state.pending[key];
  const opened = openEpisode(reading.recent, streak.firstAt, streak.count, env);
  state.incidents.push(opened);
  return [
    { type: 'event', name: 'opened', incident: opened },
    { type: 'notify', incident: opened, kind: 'open' },
  ];
}

function openEpisode(findings: readonly Finding[], firstAt: number, streak: number, env: LifecycleEnv): Incident {
  const severity = worstOf(findings);
  // the family is kept as a label (ids, older readers): the family of the leading cause when the incident opened
  const family = familyOf(leadingFinding(findings)?.cause ?? 'unclassified');
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
    verifyFrom: null,
    lastBadAt: env.now,
    findings: findings.map((f) => ({ ...f })),
    impact: describeImpact(severity, findings),
    leadingCause: leadingFinding(findings)?.cause ?? null,
    paged: false,
    inMaintenance: false,
    escalation: { level: 0, nextAt: firstEscalationAt(env.policy, severity, env.now) },
    flaps: 0,
    notifySeq: 0,
    timeline: [],
  };
  addTimeline(incident, firstAt, 'detected', `First bad evaluation: ${findings.map((f) => f.cause).join(', ')}`, { severity });
  addTimeline(incident, env.now, 'opened', `Opened as ${severity} after ${streak} consecutive bad evaluation${streak === 1 ? '' : 's'}`, {
    status: incident.status,
    severity,
  });
  if (identified)
    addTimeline(
      incident,
      env.now,
      'identified',
      `Cause found: ${findings
        .filter((f) => isRootCause(f.cause))
        .map((f) => f.cause)
        .join(', ')}`,
    );
  return incident;
}

function stillBad(incident: Incident, findings: readonly Finding[], env: LifecycleEnv): Effect[] {
  const effects: Effect[] = [];
  const notes: string[] = [];
  const previous = incident.severity;
  const newCauses = mergeFindings(incident, findings);
  for (const cause of newCauses) addTimeline(incident, env.now, 'finding', `New cause: ${cause}`);
  incident.lastBadAt = env.now;
  incident.verifyFrom = null;
  if (incident.healthySince !== null) addTimeline(incident, env.now, 'verifying', 'Verification interrupted: findings are back');
  incident.healthySince = null;
  const severity = worse(previous, worstOf(findings));
  let notify = false;
  if (severity !== previous) {
    incident.severity = severity;
    incident.severitySince = env.now;
    onUpgrade(incident, env.policy, env.now);
    addTimeline(incident, env.now, 'upgraded', `Severity upgraded ${previous} → ${severity}`, { severity });
    notify = true;
  }
  const hasRoot = incident.findings.some((f) => isRootCause(f.cause));
  let changed = notify || newCauses.length > 0;
  if (incident.status === 'MONITORING') {
    changed = true;
    incident.flaps += 1;
    incident.status = hasRoot ? 'IDENTIFIED' : 'INVESTIGATING';
    // a flapping target keeps its one incident and pages nobody again: people were told when it opened
    addTimeline(incident, env.now, 'relapsed', `Relapse #${incident.flaps} while verifying: back to ${incident.status}`, { status: incident.status });
  } else if (incident.status === 'INVESTIGATING' && hasRoot) {
    incident.status = 'IDENTIFIED';
    incident.identifiedAt = env.now;
    addTimeline(
      incident,
      env.now,
      'identified',
      `Cause found: ${incident.findings
        .filter((f) => isRootCause(f.cause))
        .map((f) => f.cause)
        .join(', ')}`,
      { status: 'IDENTIFIED' },
    );
    effects.push({ type: 'event', name: 'identified', incident });
    notes.push('cause identified');
    notify = true;
  }
  const lead = leadingFinding(incident.findings);
  if (lead && lead.cause !== incident.leadingCause) {
    if (incident.leadingCause) addTimeline(incident, env.now, 'finding', `Leading cause now ${lead.cause} (was ${incident.leadingCause})`);
    incident.leadingCause = lead.cause;
    changed = true;
  }
  incident.impact = describeImpact(incident.severity, incident.findings);
  if (changed) effects.push({ type: 'event', name: 'updated', incident });
  const update = notify ? { risenFrom: severity !== previous ? previous : null, notes } : null;
  effects.push(...settleUpdate(incident, update, true, env.now));
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
      incident.findings[index] = { ...f, severity: worse(incident.findings[index].severity, f.severity) };
    }
  }
  return added;
}
