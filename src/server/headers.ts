/**
 * Headers on every response of the daemon's HTTP surface. The status page loads its script, stylesheet and favicon
 * from the daemon itself and nothing inline, so the policy allows only 'self' (and data: images); nothing may frame
 * the pages, sniff types, learn the referring URL or cache answers (they carry live incident state) — the page's
 * versioned static assets are the one exception (./status-page.ts, served by ./server.ts).
 */
import type { ServerResponse } from 'node:http';

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
