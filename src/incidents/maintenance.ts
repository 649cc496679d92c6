/** Maintenance windows: incidents are still recorded, but nothing pages while one is active. */
import { formatDuration } from '../model/settings/duration.js';
import type { MaintenanceWindow } from './types.js';

export function activeWindow(windows: readonly MaintenanceWindow[], now: number): MaintenanceWindow | null {
  return windows.find((w) => w.start <= now && now < w.end) ?? null;
}

export function fromConfig(windows: readonly { start: string; end: string; reason: string }[]): MaintenanceWindow[] {
  return windows.map((w) => ({ start: Date.parse(w.start), end: Date.parse(w.end), reason: w.reason }));
}

export function describeWindow(w: MaintenanceWindow): string {
  return `maintenance window${w.reason ? ` "${w.reason}"` : ''} until ${new Date(w.end).toISOString()}`;
}

export const MAX_REASON = 500;

/** the `reason` every change through the control API must give: it goes to the log next to who made the change */
export function reasonOf(input: Record<string, unknown>): string | { problem: string } {
  const reason = input['reason'];
  if (typeof reason !== 'string' || reason.trim() === '')
    return { problem: 'reason: required (a short text saying why; it is logged with your token name)' };
  if (reason.length > MAX_REASON) return { problem: `reason: expected text of at most ${MAX_REASON} characters` };
  return reason.trim();
}

/**
 * `POST /api/maintenance` body: `{ "start"?: ISO, "end"?: ISO, "duration"?: "30m" | ms, "reason": text }`;
 * start defaults to now, and either end or duration is required. A window lasts at most `maxMs`.
 */
export function parseMaintenance(
  body: unknown,
  now: number,
  parseDuration: (text: string) => number | null,
  maxMs: number,
): { ok: true; window: MaintenanceWindow } | { ok: false; problem: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { ok: false, problem: 'body: expected a JSON object' };
  const input = body as Record<string, unknown>;
  const unknownKeys = Object.keys(input).filter((k) => !['start', 'end', 'duration', 'reason'].includes(k));
  if (unknownKeys.length > 0) return { ok: false, problem: `${unknownKeys[0]}: unknown field (expected start, end, duration, reason)` };
  const time = (key: string): number | null | 'bad' => {
    const value = input[key];
    if (value === undefined) return null;
    const ms = typeof value === 'string' ? Date.parse(value) : NaN;
    return Number.isNaN(ms) ? 'bad' : ms;
  };
  const start = time('start');
  const end = time('end');
  if (start === 'bad') return { ok: false, problem: 'start: expected an ISO-8601 timestamp' };
  if (end === 'bad') return { ok: false, problem: 'end: expected an ISO-8601 timestamp' };
  const from = start ?? now;
  let until = end;
  if (input.duration !== undefined) {
    const ms = typeof input.duration === 'number' ? input.duration : typeof input.duration === 'string' ? parseDuration(input.duration) : null;
    if (ms === null || !Number.isFinite(ms) || ms <= 0) return { ok: false, problem: 'duration: expected a duration like 30m' };
    if (until !== null) return { ok: false, problem: 'duration: give either end or duration, not both' };
    until = from + ms;
  }
  if (until === null) return { ok: false, problem: 'end: required (or give duration)' };
  if (until <= from) return { ok: false, problem: 'end: must be after start' };
  if (until - from > maxMs)
    return { ok: false, problem: `end: a maintenance window may last at most ${formatDuration(maxMs)} (incidents.maintenanceLimits.maxDuration)` };
  if (until <= now) return { ok: false, problem: 'end: the window is already over' };
  const reason = reasonOf(input);
  if (typeof reason !== 'string') return { ok: false, ...reason };
  return { ok: true, window: { start: from, end: until, reason } };
}
