/**
 * This tool can point load at production, so load options have ceilings (config `load.caps`) and load may only go
 * to the configured target's origin, loopback, or what `load.allowedHosts` lists (src/support/hosts.ts rules).
 */
import { formatDuration } from '../../src/model/settings/duration.js';
import { UsageError } from '../../src/model/errors.js';
import { LOAD_DEFAULTS } from './params.js';
import { isLoopbackHost, originAllowed } from '../../src/support/hosts.js';

export interface LoadOptionsToCheck {
  connections: number;
  rate?: number | undefined;
  durationMs?: number | undefined;
  amount?: number | undefined;
}

export interface LoadCaps {
  readonly connections: number;
  readonly rate: number;
  /** milliseconds */
  readonly duration: number;
  readonly amount: number;
}

function positive(flag: string, value: number | undefined, integer: boolean): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError('RP_ERR_USAGE', `${flag} ${value} is not a positive ${integer ? 'whole number' : 'number'}`);
  }
}

function cap(flag: string, shown: string, value: number, limit: number, shownLimit: string, key: string): void {
  if (value > limit) {
    throw new UsageError(
      'RP_ERR_LOAD_CAP',
      `${flag} ${shown} exceeds the cap of ${shownLimit} (load.caps.${key}); raise load.caps.${key} in the config to allow it`,
    );
  }
}

export { isLoopbackHost };

/**
 * Throws UsageError (exit 2) when an option exceeds its cap or the target host is not allowed.
 * `configuredTarget` is the config's `target`; its host is always allowed.
 */
export function checkLoadGuardrails(
  opts: LoadOptionsToCheck,
  caps: LoadCaps,
  target: URL,
  allowedHosts: readonly string[],
  configuredTarget?: URL | string,
): void {
  positive('--connections', opts.connections, true);
  positive('--amount', opts.amount, true);
  positive('--rate', opts.rate, false);
  positive('--duration', opts.durationMs, false);
  cap('--connections', String(opts.connections), opts.connections, caps.connections, String(caps.connections), 'connections');
  if (opts.rate !== undefined) cap('--rate', String(opts.rate), opts.rate, caps.rate, String(caps.rate), 'rate');
  if (opts.durationMs !== undefined) {
    cap('--duration', formatDuration(opts.durationMs), opts.durationMs, caps.duration, formatDuration(caps.duration), 'duration');
  }
  if (opts.amount !== undefined) cap('--amount', String(opts.amount), opts.amount, caps.amount, String(caps.amount), 'amount');
  if (opts.rate !== undefined && opts.durationMs === undefined) {
    // an amount at a fixed rate is a duration too: 2 requests at 0.0001/s is a 5.5-hour run
    const amount = opts.amount ?? LOAD_DEFAULTS.amount;
    const plannedMs = (amount / opts.rate) * 1000;
    const shown = `${formatDuration(Math.ceil(plannedMs))} (${amount} requests at --rate ${opts.rate})`;
    cap('the run', shown, plannedMs, caps.duration, formatDuration(caps.duration), 'duration');
  }
  if (opts.rate !== undefined && opts.durationMs !== undefined && opts.amount === undefined) {
    const planned = Math.ceil((opts.rate * opts.durationMs) / 1000);
    const shown = `${planned} requests (--rate ${opts.rate} for ${formatDuration(opts.durationMs)})`;
    cap('the run', shown, planned, caps.amount, String(caps.amount), 'amount');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new UsageError('RP_ERR_USAGE', `load target ${target.origin} is not an http(s) URL`);
  }
  if (isLoopbackHost(target.hostname)) return;
  const configured = configuredTarget === undefined ? null : typeof configuredTarget === 'string' ? safeUrl(configuredTarget) : configuredTarget;
  // the configured target by its origin (scheme, host, port), the same rule as /probe's allow-list
  const verdict = originAllowed(target, [...(configured ? [configured.origin] : []), ...allowedHosts]);
  if (verdict.ok) return;
  throw new UsageError(
    'RP_ERR_LOAD_HOST_NOT_ALLOWED',
    `load against ${target.host} is not allowed (${verdict.reason}): only the configured target and loopback are, unless load.allowedHosts lists it (host, host:port or *.domain)`,
  );
}

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
