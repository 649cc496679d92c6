/** The faults the simulated API can inject, and their one-line text form (CLI flag, control endpoint body). */
import { UsageError } from '../model/errors.js';

export type Fault =
  | { kind: 'none' }
  | { kind: 'outage' }
  | { kind: 'errors'; rate: number }
  | { kind: 'latency'; ms: number }
  | { kind: 'near-fail' }
  | { kind: 'hang' }
  /** every connection is reset (TCP RST) as soon as a request arrives: no status, no body */
  | { kind: 'reset' }
  /** 200 application/json with a body of `bytes` (default 64 MiB), streamed */
  | { kind: 'huge-body'; bytes: number }
  /** 200 application/json whose body is cut off halfway: it does not parse */
  | { kind: 'invalid-json' };

/** big enough to exhaust a client that keeps whole bodies, small enough to stream in well under a second locally */
export const HUGE_BODY_BYTES = 64 * 1024 * 1024;
const MAX_HUGE_BODY_BYTES = 1024 * 1024 * 1024;

/** Beyond this a timer would overflow (setTimeout caps at 2^31-1 ms); an hour is already "hang" in practice. */
const MAX_LATENCY_MS = 3_600_000;
const MAX_ECHO = 60;

function usage(text: string): UsageError {
  const shown = text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text;
  return new UsageError(
    'RP_ERR_USAGE',
    `fault: expected one of none, outage, errors=RATE (0..1), latency=MS, near-fail, hang, reset, huge-body[=BYTES], invalid-json; got "${shown}"`,
  );
}

export function parseFault(text: string): Fault {
  const trimmed = text.trim().toLowerCase();
  switch (trimmed) {
    case 'none':
    case 'outage':
    case 'near-fail':
    case 'hang':
    case 'reset':
    case 'invalid-json':
      return { kind: trimmed };
    case 'huge-body':
      return { kind: 'huge-body', bytes: HUGE_BODY_BYTES };
  }
  const huge = /^huge-body=(\d+)$/.exec(trimmed);
  if (huge) {
    const value = Number(huge[1]);
    if (value > 0 && value <= MAX_HUGE_BODY_BYTES) return { kind: 'huge-body', bytes: value };
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
    case 'huge-body':
      return f.bytes === HUGE_BODY_BYTES ? 'huge-body' : `huge-body=${f.bytes}`;
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
