/**
 * The runbook's Escalation: a P0 unresolved after 1 h (P1 after 4 h) goes to the next level of the path, and to
 * the one after at each further multiple, up to the last level. The clock restarts at an upgrade, so a P2 that
 * turns P0 after three hours gets its first P0 hour before the manager is called.
 */
import type { Severity } from '../model/types.js';
import type { Incident } from './types.js';

export interface EscalationPolicy {
  levels: readonly string[];
  after: Readonly<Partial<Record<Severity, number>>>;
  route: Readonly<Record<string, readonly string[]>>;
}

export function firstEscalationAt(policy: EscalationPolicy, severity: Severity, from: number): number | null {
  const after = policy.after[severity];
  return after === undefined || after <= 0 || policy.levels.length < 2 ? null : from + after;
}

/** An upgrade may bring the next escalation forward, never push it back. */
export function onUpgrade(incident: Incident, policy: EscalationPolicy, now: number): void {
  if (incident.escalation.level + 1 >= policy.levels.length) return;
  const candidate = firstEscalationAt(policy, incident.severity, now);
  if (candidate === null) return;
  const current = incident.escalation.nextAt;
  incident.escalation.nextAt = current === null ? candidate : Math.min(current, candidate);
}

export interface EscalationStep {
  level: number;
  to: string;
  afterMs: number;
}

/** Takes one due step (callers loop), updating the incident; null when nothing is due. */
export function takeDueStep(incident: Incident, policy: EscalationPolicy, now: number): EscalationStep | null {
  const { nextAt, level } = incident.escalation;
  if (nextAt === null || now < nextAt || level + 1 >= policy.levels.length) return null;
  const after = policy.after[incident.severity];
  const next = level + 1;
  incident.escalation.level = next;
  incident.escalation.nextAt = after !== undefined && after > 0 && next + 1 < policy.levels.length ? nextAt + after : null;
  return { level: next, to: policy.levels[next], afterMs: now - incident.severitySince };
}

/** The sinks an escalation to `levelName` goes to: its route when configured, else every sink. */
export function escalationSinks(policy: EscalationPolicy, levelName: string, all: readonly string[]): string[] {
  const route = policy.route[levelName];
  return route ? all.filter((id) => route.includes(id)) : [...all];
}
