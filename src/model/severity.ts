/** The runbook's severity table as functions. P0 is worst; `null` means nothing worth an incident. */
import type { Severity } from './types.js';

const RANK: Record<Severity, number> = { P0: 0, P1: 1, P2: 2, P3: 3 };

/** For sorting: negative when `a` is worse than `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return RANK[a] - RANK[b];
}

/** P0 is the most severe: a sink with minSeverity P1 takes P0 and P1. */
export function atLeast(severity: Severity, min: Severity): boolean {
  return RANK[severity] <= RANK[min];
}

export function worse(a: Severity, b: Severity): Severity {
  return RANK[a] <= RANK[b] ? a : b;
}

export function isWorse(a: Severity, b: Severity | null): boolean {
  return b === null || RANK[a] < RANK[b];
}

export function worstSeverity(list: Iterable<Severity | null | undefined>): Severity | null {
  let worst: Severity | null = null;
  for (const s of list) if (s && isWorse(s, worst)) worst = s;
  return worst;
}

/** True when `severity` is as bad as the gate or worse (P0 meets a P2 gate). */
export function meetsGate(severity: Severity | null, gate: Severity): boolean {
  return severity !== null && RANK[severity] <= RANK[gate];
}

/** The `severity` config section's bands (error rate as a ratio, p95 in ms); config satisfies it structurally. */
export interface Bands {
  readonly errorRate: { readonly P1: number; readonly P2: number; readonly P3: number };
  readonly p95: { readonly P1: number; readonly P2: number; readonly P3: number };
}

/** > 50 % → P1; 10–50 % → P2 (the table wins over Scenario 2's "20–50 % is P1"); ≥ 1 % → P3. */
export function severityForErrorRate(rate: number, bands: Bands): Severity | null {
  if (!Number.isFinite(rate)) return null;
  if (rate > bands.errorRate.P1) return 'P1';
  if (rate >= bands.errorRate.P2) return 'P2';
  if (rate >= bands.errorRate.P3 && rate > 0) return 'P3';
  return null;
}

/** p95 > 5 s → P1; > 1 s → P2; > 500 ms → P3. */
export function severityForP95(p95Ms: number | null, bands: Bands): Severity | null {
  if (p95Ms === null || !Number.isFinite(p95Ms)) return null;
  if (p95Ms > bands.p95.P1) return 'P1';
  if (p95Ms > bands.p95.P2) return 'P2';
  if (p95Ms > bands.p95.P3) return 'P3';
  return null;
}
