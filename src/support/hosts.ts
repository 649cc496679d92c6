/**
 * One allow-list matcher for every place a request or flag may name where traffic goes: /probe targets and load
 * targets. An entry is `*` (anything), or `[scheme://]host[:port]` where host may be `*.example.com` (its
 * subdomains) and port may be `*` (any). No scheme means http or https; no port means the scheme's default port.
 * Scheme, host and port all have to match: another port on an allowed host is another service.
 */
import { isIP } from 'node:net';

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

interface Entry {
  scheme: 'http:' | 'https:' | null;
  /** lower case; `*.example.com` or a name or an address (IPv6 without brackets) */
  host: string;
  /** null: the scheme's default port; '*': any */
  port: string | null;
}

const ENTRY_RE = /^(?:(https?):\/\/)?(\*\.[a-z0-9.-]+|\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}|\*))?\/?$/i;

/** null when the text is not an entry (config validation says so with the field's name) */
export function parseOriginEntry(text: string): Entry | 'any' | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '*') return 'any';
  const m = ENTRY_RE.exec(trimmed);
  if (!m) return null;
  const port = m[3] ?? null;
  if (port !== null && port !== '*' && Number(port) > 65_535) return null;
  return { scheme: m[1] ? (`${m[1]}:` as 'http:' | 'https:') : null, host: m[2].replace(/^\[|\]$/g, ''), port };
}

export const ORIGIN_ENTRY_HELP = 'expected *, host, host:port, *.domain or scheme://host[:port] (no path)';

export function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

function hostMatches(entry: Entry, hostname: string): boolean {
  return entry.host.startsWith('*.') ? hostname.endsWith(entry.host.slice(1)) : hostname === entry.host;
}

function portOf(url: URL): string {
  return url.port || defaultPort(url.protocol);
}

function entryAllows(entry: Entry, url: URL): boolean {
  if (entry.scheme !== null && entry.scheme !== url.protocol) return false;
  if (entry.port === '*') return true;
  return portOf(url) === (entry.port ?? defaultPort(url.protocol));
}

/** Matches `url` (http or https) against the entries; a refusal says which of scheme, host or port did not match. */
export function originAllowed(url: URL, entries: readonly string[]): OriginVerdict {
  const hostname = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const sameHost: Entry[] = [];
  for (const text of entries) {
    const entry = parseOriginEntry(text);
    if (entry === 'any') return { ok: true };
    if (entry === null || !hostMatches(entry, hostname)) continue;
    if (entryAllows(entry, url)) return { ok: true };
    sameHost.push(entry);
  }
  if (sameHost.length === 0) return { ok: false, reason: `host ${url.hostname} is not on the allow-list` };
  const shown = sameHost.map((e) => `${e.scheme ? `${e.scheme}//` : ''}${e.host}:${e.port ?? 'default port'}`).join(', ');
  return {
    ok: false,
    reason: `${url.protocol}//${url.hostname} port ${portOf(url)} is not allowed: the allow-list names that host only as ${shown}`,
  };
}

/** true for localhost names, 127.0.0.0/8, ::1 and IPv4-mapped loopback */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || host.startsWith('::ffff:127.');
  return false;
}
