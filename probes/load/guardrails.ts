/**
 * This tool can point load at production, so load options have ceilings (config `load.caps`) and load may only go
 * to the configured target's host, loopback, or hosts listed in `load.allowedHosts`.
 */
import { isIP } from 'node:net';
import { formatDuration } from '../../src/config/duration.js';
import { UsageError } from '../../src/model/errors.js';
import { LOAD_DEFAULTS } from './params.js';

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
    throw new UsageError('RP_ERR_LOAD_CAP', `${flag} ${shown} exceeds the cap of ${shownLimit} (load.caps.${key}); raise load.caps.${key} in the config to allow it`);
  }
}

/** true for localhost names, 127.0.0.0/8, ::1 and IPv4-mapped loopback */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || host.startsWith('::ffff:127.');
  return false;
}

/** An allowedHosts entry: `*` (anything), `*.example.com` (subdomains), `host` or `host:port`. */
function hostMatches(entry: string, url: URL): boolean {
  const pattern = entry.trim().toLowerCase();
  const hostname = url.hostname.toLowerCase();
  if (pattern === '*') return true;
  if (pattern.startsWith('*.')) return hostname.endsWith(pattern.slice(1));
  return pattern === hostname || pattern === url.host.toLowerCase();
}

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
  if (configuredTarget !== undefined) {
    const configured = typeof configuredTarget === 'string' ? safeUrl(configuredTarget) : configuredTarget;
    if (configured && configured.hostname.toLowerCase() === target.hostname.toLowerCase()) return;
  }
  if (allowedHosts.some((entry) => hostMatches(entry, target))) return;
  throw new UsageError(
    'RP_ERR_LOAD_HOST_NOT_ALLOWED',
    `load against ${target.host} is not allowed: only the configured target's host and loopback are, unless load.allowedHosts lists it`,
  );
}

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
