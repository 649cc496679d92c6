import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const COMPOUND_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;

/** Parses `500ms`, `15s`, `30m`, `1h`, `1h30m`; returns milliseconds or null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (!COMPOUND_RE.test(trimmed)) return null;
  let total = 0;
  for (const part of trimmed.match(/\d+(?:\.\d+)?(?:ms|s|m|h|d)/g) ?? []) {
    const m = DURATION_RE.exec(part);
    if (!m) return null;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return total;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms >= 3_600_000) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0 && ms >= 1_000) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

/** A duration field: accepts `5s`-style strings (or a bare number of milliseconds) and yields milliseconds. */
export const duration = z.custom<string | number>().transform((value: unknown, ctx) => {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? parseDuration(value) : null;
  if (ms === null || !Number.isFinite(ms) || ms < 0) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `expected a duration like 5s, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});
