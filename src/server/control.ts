/**
 * The gate in front of every state-changing request (today POST and DELETE /api/maintenance: a window silences
 * paging). Off unless a token is configured; then a known bearer token, no cross-origin caller (a web page a
 * colleague opens must not be able to use their network position) and a JSON body, in that order.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ControlToken } from '../config/sections/incidents.js';

export type ControlGate = { ok: true; who: string } | { ok: false; status: number; message: string; headers: Record<string, string> };

export const ENABLE_CONTROL_API = 'set incidents.apiTokens: [{ name, token }] (or incidents.apiToken) in the config to enable it';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Compares against every token, as equal-length digests, so neither timing nor length says which one nearly matched. */
export function tokenOwner(presented: string, tokens: readonly ControlToken[]): string | null {
  const given = digest(presented);
  let owner: string | null = null;
  for (const { name, token } of tokens) {
    const match = timingSafeEqual(given, digest(token));
    if (match && owner === null) owner = name;
  }
  return owner;
}

/** the Origin a browser sent when it is not this daemon's own; curl and scripts send none */
function foreignOrigin(req: IncomingMessage): string | null {
  if (req.headers['sec-fetch-site'] === 'cross-site') return req.headers.origin ?? 'a cross-site page';
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  try {
    return new URL(origin).host === req.headers.host ? null : origin;
  } catch {
    return origin; // "null" (sandboxed frames, file://) and garbage alike
  }
}

const refuse = (status: number, message: string, headers: Record<string, string> = {}): ControlGate => ({ ok: false, status, message, headers });

export function controlGate(req: IncomingMessage, what: string, tokens: readonly ControlToken[]): ControlGate {
  if (tokens.length === 0)
    return refuse(405, `${what} changes what pages, and the control API is off: ${ENABLE_CONTROL_API}`, { allow: 'GET, HEAD' });
  const origin = foreignOrigin(req);
  if (origin !== null)
    return refuse(403, `${what}: cross-origin request from ${origin.slice(0, 100)} refused; call the control API from a script, not a web page`);
  const bearer = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '')?.[1];
  const who = bearer === undefined ? null : tokenOwner(bearer, tokens);
  if (who === null) {
    return refuse(401, `${what} needs Authorization: Bearer <token>, a token from incidents.apiTokens or incidents.apiToken`, {
      'www-authenticate': 'Bearer realm="radar-probe control API"',
    });
  }
  if (!/^application\/json *(;|$)/i.test(req.headers['content-type'] ?? '')) {
    return refuse(415, `${what}: send a JSON body with Content-Type: application/json`);
  }
  return { ok: true, who };
}
