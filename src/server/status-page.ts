/**
 * The status page at `/`: an HTML shell plus a stylesheet, a script and a favicon, all served by the daemon from
 * this module (no CDN, works air-gapped; shipped in dist/ as compiled strings). The script fills the page from the
 * read-only JSON APIs and keeps it current by polling; the Content-Security-Policy allows no inline script or style.
 */
import { createHash } from 'node:crypto';
import type { RunReport } from '../model/types.js';
import { SCRIPT_APP } from './status-assets/script-app.js';
import { SCRIPT_DOM } from './status-assets/script-dom.js';
import { SCRIPT_HISTORY } from './status-assets/script-history.js';
import { SCRIPT_RENDER } from './status-assets/script-render.js';
import { STATUS_STYLE } from './status-assets/style.js';

export interface StaticAsset {
  contentType: string;
  body: string;
  etag: string;
}

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="#1f883d"/><path d="M6 17h6l3-7 4 13 3-6h4" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

/** one scope for the four parts: they share helpers and none leaks a global */
export const STATUS_SCRIPT = ['(function () {', SCRIPT_DOM, SCRIPT_HISTORY, SCRIPT_RENDER, SCRIPT_APP, '})();', ''].join('\n');

const asset = (contentType: string, body: string): StaticAsset => ({
  contentType,
  body,
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
});

/** path → asset; the page links them with their etag as a version, so a new build is never served from a stale cache */
export const STATUS_ASSETS: ReadonlyMap<string, StaticAsset> = new Map([
  ['/assets/status.css', asset('text/css; charset=utf-8', STATUS_STYLE)],
  ['/assets/status.js', asset('text/javascript; charset=utf-8', STATUS_SCRIPT)],
  ['/favicon.svg', asset('image/svg+xml', FAVICON)],
]);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
const versioned = (path: string): string => `${path}?v=${encodeURIComponent(STATUS_ASSETS.get(path)?.etag.slice(1, -1) ?? '')}`;

export interface StatusPageInput {
  service: string;
  report: RunReport | null;
}

const RANGE_LABELS: readonly [string, string][] = [
  ['24h', '24 h'],
  ['7d', '7 d'],
  ['30d', '30 d'],
  ['90d', '90 d'],
];

function section(id: string, title: string, extra = ''): string {
  return `<section aria-labelledby="h-${id}"><h2 id="h-${id}">${esc(title)}</h2><div id="${id}"${extra}><p class="empty">Loading…</p></div></section>`;
}

/** The shell: the service name and the headline are rendered here (escaped) so the page says something before the script runs. */
export function statusPage(input: StatusPageInput): string {
  const report = input.report;
  const state = report === null ? 'none' : (report.severity ?? 'ok');
  const headline =
    report === null ? 'Waiting for the first evaluation' : report.severity === null ? 'All checks healthy' : `Severity ${report.severity}`;
  const ranges = RANGE_LABELS.map(
    ([value, label], i) => `<label><input type="radio" name="range" value="${value}"${i === 0 ? ' checked' : ''}><span>${label}</span></label>`,
  ).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(input.service)} — ${esc(headline)}</title>
<link rel="icon" type="image/svg+xml" href="${versioned('/favicon.svg')}">
<link rel="stylesheet" href="${versioned('/assets/status.css')}">
<script src="${versioned('/assets/status.js')}" defer></script></head>
<body><header class="top"><h1 id="service">${esc(input.service)}</h1>
<div id="banner" class="banner sev-${state}" role="status" aria-live="polite"><strong id="headline">${esc(headline)}</strong><span id="leading"></span></div>
<p class="meta" id="updated">Last evaluation ${esc(report?.startedAt ?? 'none yet')}</p><p class="meta" id="connection" role="alert"></p>
<fieldset class="ranges"><legend>History range</legend>${ranges}</fieldset>
<noscript><p>This page updates itself with JavaScript; without it, read <a href="/api/status">/api/status</a> and <a href="/api/uptime">/api/uptime</a>.</p></noscript>
</header>
<main>
${section('open', 'Open incidents')}
${section('notices', 'Dependency notices')}
${section('maintenance', 'Maintenance windows')}
${section('overall', 'Service uptime and response time')}
${section('probes', 'Probes', ' class="probe-grid"').replace('</section>', '<div id="idle"></div></section>')}
${section('past', 'Past incidents (last 90 days)')}
</main>
<footer>Read-only JSON: <a href="/api/status">status</a> · <a href="/api/uptime">uptime</a> · <a href="/api/history?range=24h">history</a> · <a href="/api/incidents">incidents</a> · <a href="/metrics">metrics</a></footer>
</body></html>
`;
}
