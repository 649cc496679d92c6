import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const COMPOUND_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;

/**
 * Node timers hold at most 2^31-1 ms (about 24.8 days); a longer delay silently becomes 1 ms, so `interval: 25d`
 * would fire constantly. Every duration that ends up in a timer stays at or below this.
 */
export const MAX_TIMER_MS = 24 * UNIT_MS['d'];
/** Ages compared against the clock, never put in a timer (how long resolved incidents are kept). */
export const MAX_AGE_MS = 3_650 * UNIT_MS['d'];

/** Parses `500ms`, `15s`, `30m`, `1h`, `1h30m`; returns milliseconds or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed.length > 64 || !COMPOUND_RE.test(trimmed)) return null;
  let total = 0;
  for (const part of trimmed.match(/\d+(?:\.\d+)?(?:ms|s|m|h|d)/g) ?? []) {
    const m = DURATION_RE.exec(part);
    if (!m) return null;
    total += Number(m[1]) * UNIT_MS[m[2]];
  }
  return total;
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms >= 86_400_000) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0 && ms >= 3_600_000) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0 && ms >= 1_000) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

export interface DurationBounds {
  /** zero is refused (timeouts, intervals: a zero timer fires at once, every time) */
  positive: boolean;
  max: number;
}

export const TIMER: DurationBounds = { positive: true, max: MAX_TIMER_MS };
export const THRESHOLD: DurationBounds = { positive: false, max: MAX_TIMER_MS };
export const AGE: DurationBounds = { positive: true, max: MAX_AGE_MS };

/** Why milliseconds are out of bounds, or null when they are fine; shared by config fields and flags. */
export function durationProblem(ms: number, bounds: DurationBounds): string | null {
  if (bounds.positive && ms <= 0) return 'must be greater than 0';
  if (ms > bounds.max) {
    const why = bounds.max === MAX_TIMER_MS ? ' (longer timers overflow in Node.js and fire at once)' : '';
    return `must be at most ${formatDuration(bounds.max)}${why}`;
  }
  return null;
}

/** Text (or a bare number of milliseconds) → milliseconds, or a message saying what is wrong. */
export function readDuration(value: unknown, bounds: DurationBounds): { ms: number } | { problem: string } {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? parseDuration(value) : null;
  if (ms === null || !Number.isFinite(ms) || ms < 0) {
    const shown =
      value === undefined ? 'nothing' : typeof value === 'string' && value.length > 40 ? `"${value.slice(0, 40)}…"` : JSON.stringify(value);
    return { problem: `expected a duration like 5s, got ${shown ?? String(value)}` };
  }
  const problem = durationProblem(ms, bounds);
  return problem === null ? { ms } : { problem: `${problem}, got ${formatDuration(ms)}` };
}

function durationField(bounds: DurationBounds): z.ZodEffects<z.ZodType<string | number>, number, string | number> {
  return z.custom<string | number>().transform((value: unknown, ctx) => {
    const read = readDuration(value, bounds);
    if ('problem' in read) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: read.problem });
      return z.NEVER;
    }
    return read.ms;
  });
}

/** A timer: timeouts, intervals, windows, back-offs. Greater than 0 and at most 24d. */
export const duration = durationField(TIMER);
/** A latency or age threshold compared against measurements; 0 is allowed. At most 24d. */
export const thresholdDuration = durationField(THRESHOLD);
/** An age compared against the clock, never armed as a timer (up to ten years). */
export const ageDuration = durationField(AGE);
