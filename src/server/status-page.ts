/** The small HTML status page at `/`: current severity, every probe, open incidents. No scripts, no assets. */
import type { RunReport } from '../model/types.js';
import type { WindowStats } from '../metrics/windows.js';

export interface StatusPageIncident {
  id: string;
  severity: string;
  status: string;
  impact: string;
  startedAt: string;
}

export interface StatusPageNotice {
  id: string;
  dependency: string;
  summary: string;
  openedAt: string;
}

export interface StatusPageInput {
  service: string;
  report: RunReport | null;
  windows: (name: string) => WindowStats | undefined;
  incidents: StatusPageIncident[] | null;
  /** open dependency notices: a dependency failing on its own check, not paged */
  notices?: StatusPageNotice[];
  refreshSeconds: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
const COLORS: Record<string, string> = { P0: '#b00020', P1: '#d9480f', P2: '#e67700', P3: '#5c7cfa', ok: '#2b8a3e', other: '#868e96' };

/** The page's only style, constant so the Content-Security-Policy can allow it by hash (no inline style attributes). */
export const STATUS_PAGE_STYLE = `body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}h1 span{color:#fff;padding:.1em .5em;border-radius:.3em}
${Object.entries(COLORS)
  .map(([level, color]) => `.level-${level}{background:${color}}`)
  .join('')}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left}
tr.fail td,tr.error td{background:#fff0f0}tr.skipped td{color:#888}`;

function probeRows(input: StatusPageInput): string {
  return (input.report?.probes ?? [])
    .map((p) => {
      const w = p.kind === 'http' ? input.windows(p.name) : undefined;
      const window =
        w && w.samples
          ? `${(w.errorRatio * 100).toFixed(1)} % errors, p95 ${w.p95Ms === null ? 'n/a' : `${w.p95Ms.toFixed(1)} ms`} (${w.samples} samples)`
          : '';
      const why = p.error ? `${p.error.code}: ${p.error.message}` : (p.reason ?? '');
      return `<tr class="${esc(p.status)}"><td>${esc(p.name)}</td><td>${esc(p.kind)}</td><td>${esc(p.status)}</td><td>${p.durationMs.toFixed(1)} ms</td><td>${esc(window)}</td><td>${esc(why)}</td></tr>`;
    })
    .join('\n');
}

function incidentList(incidents: StatusPageIncident[] | null): string {
  if (incidents === null) return '<p>Incident tracking is not available in this build.</p>';
  if (incidents.length === 0) return '<p>No open incidents.</p>';
  const items = incidents.map(
    (i) =>
      `<li><b>${esc(i.severity)}</b> ${esc(i.status)} — ${esc(i.impact)} <small>(since ${esc(i.startedAt)}, <a href="/api/incidents/${encodeURIComponent(i.id)}">${esc(i.id)}</a>)</small></li>`,
  );
  return `<ul>${items.join('')}</ul>`;
}

function noticeList(notices: readonly StatusPageNotice[]): string {
  if (notices.length === 0) return '';
  const items = notices.map(
    (n) => `<li><b>${esc(n.dependency)}</b> ${esc(n.summary)} <small>(since ${esc(n.openedAt)}, ${esc(n.id)}, not paged)</small></li>`,
  );
  return `<h2>Dependency notices</h2><ul>${items.join('')}</ul>`;
}

export function statusPage(input: StatusPageInput): string {
  const report = input.report;
  const level = report === null ? 'starting' : (report.severity ?? 'ok');
  const headline =
    report === null ? 'Waiting for the first evaluation…' : report.severity === null ? 'All checks healthy' : `Severity ${report.severity}`;
  const findings = (report?.findings ?? [])
    .map((f) => `<li><b>${esc(f.severity)}</b> ${esc(f.summary)} <small>(${esc(f.runbook)})</small></li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${input.refreshSeconds}">
<title>${esc(input.service)} — ${esc(level)}</title>
<style>${STATUS_PAGE_STYLE}</style></head>
<body><h1>${esc(input.service)} <span class="level-${COLORS[level] ? level : 'other'}">${esc(headline)}</span></h1>
<p>Last evaluation: ${esc(report?.startedAt ?? 'none yet')} · <a href="/metrics">metrics</a> · <a href="/api/results">results</a> · <a href="/api/incidents">incidents</a></p>
<h2>Open incidents</h2>${incidentList(input.incidents)}
${noticeList(input.notices ?? [])}
<h2>Findings</h2>${findings ? `<ul>${findings}</ul>` : '<p>None.</p>'}
<h2>Probes</h2><table><tr><th>probe</th><th>kind</th><th>status</th><th>last run</th><th>rolling window</th><th>detail</th></tr>
${probeRows(input)}</table></body></html>
`;
}
