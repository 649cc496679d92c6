/**
 * Headers on every response of the daemon's HTTP surface. The status page has no script and one constant style
 * block, allowed by its hash; nothing may frame the pages, sniff types, learn the referring URL or cache answers
 * (they carry live incident state).
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { STATUS_PAGE_STYLE } from './status-page.js';

const STYLE_HASH = createHash('sha256').update(STATUS_PAGE_STYLE).digest('base64');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
