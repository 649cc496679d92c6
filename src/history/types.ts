/** What the history store takes in and gives out. */
import type { ProbeStatus, Severity } from '../model/types.js';

export const STATUSES: readonly ProbeStatus[] = ['pass', 'fail', 'error', 'skipped'];

/** one probe result as history keeps it for the raw 24 h */
export interface HistorySample {
  probe: string;
  kind: string;
  /** epoch ms the result arrived */
  t: number;
  status: ProbeStatus;
  durationMs: number;
  /** the error code (RP_ERR_*) of a failed or errored result */
  code?: string;
}

/** worst service severity of a minute: 0 = evaluated and healthy, 1 = P3 … 4 = P0 */
export const WORST_RANK: Readonly<Record<Severity | 'ok', number>> = { ok: 0, P3: 1, P2: 2, P1: 3, P0: 4 };
export const WORST_NAME = ['ok', 'P3', 'P2', 'P1', 'P0'] as const;
export type WorstName = (typeof WORST_NAME)[number];

export interface Retention {
  /** how long every single result is kept, ms */
  rawMs: number;
  /** how long the per-minute aggregates are kept, ms */
  aggregatesMs: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
