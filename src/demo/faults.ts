/** The faults the simulated API can inject, and their one-line text form (CLI flag, control endpoint body). */
import { UsageError } from '../model/errors.js';

export type Fault =
  | { kind: 'none' }
  | { kind: 'outage' }
  | { kind: 'errors'; rate: number }
  | { kind: 'latency'; ms: number }
  | { kind: 'near-fail' }
  | { kind: 'hang' };

/** Beyond this a timer would overflow (setTimeout caps at 2^31-1 ms); an hour is already "hang" in practice. */
const MAX_LATENCY_MS = 3_600_000;
const MAX_ECHO = 60;

function usage(text: string): UsageError {
  const shown = text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text;
  return new UsageError(
    'RP_ERR_USAGE',
    `fault: expected one of none, outage, errors=RATE (0..1), latency=MS, near-fail, hang; got "${shown}"`,
  );
}

export function parseFault(text: string): Fault {
  const trimmed = text.trim().toLowerCase();
  switch (trimmed) {
    case 'none':
    case 'outage':
    case 'near-fail':
    case 'hang':
      return { kind: trimmed };
  }
  const rate = /^errors=(\d+(?:\.\d+)?|\.\d+)$/.exec(trimmed);
  if (rate) {
    const value = Number(rate[1]);
    if (value >= 0 && value <= 1) return { kind: 'errors', rate: value };
  }
  const latency = /^latency=(\d+)(?:ms)?$/.exec(trimmed);
  if (latency) {
    const value = Number(latency[1]);
    if (value <= MAX_LATENCY_MS) return { kind: 'latency', ms: value };
  }
  throw usage(text);
}

export function formatFault(f: Fault): string {
  switch (f.kind) {
    case 'errors':
      return `errors=${f.rate}`;
    case 'latency':
      return `latency=${f.ms}`;
    default:
      return f.kind;
  }
}

/**
 * Whether the n-th request (0-based) under `errors=rate` fails. Spreads failures evenly so that the
 * first N requests hold exactly floor(N*rate) failures; the epsilon absorbs float error
 * (3 * 0.3 = 0.8999…, 0.29 * 100 = 28.999…).
 */
export function failsAt(n: number, rate: number): boolean {
  const eps = 1e-9;
  return Math.floor((n + 1) * rate + eps) > Math.floor(n * rate + eps);
}
