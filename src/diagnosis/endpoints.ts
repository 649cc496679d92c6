/** The runbook's reading of endpoint results: all down is an outage, one down is Scenario 4, partial is Scenario 2. */
import type { DiagnosisContext } from './context.js';
import { severityForErrorRate } from '../model/severity.js';
import type { Finding, ProbeResult } from '../model/types.js';

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function describe(result: ProbeResult): string {
  const path = String(result.metrics['path'] ?? result.name);
  const status = result.metrics['statusCode'];
  const why = result.error ? `${result.error.code}: ${result.error.message}` : `status ${String(status)}`;
  return `${result.name} ${path} → ${why}`;
}

export function diagnoseHttp(results: readonly ProbeResult[], ctx: DiagnosisContext): Finding[] {
  const endpoints = results.filter((r) => r.kind === 'http' && r.status !== 'skipped');
  if (endpoints.length === 0) return [];
  const isDown = (r: ProbeResult): boolean => r.status !== 'pass' && num(r.metrics['failures']) >= Math.max(1, num(r.metrics['samples']));
  const down = endpoints.filter(isDown);
  if (down.length === endpoints.length) {
    return [
      ctx.raise('api_outage', {
        severity: 'P0',
        summary: `${ctx.service} is down: ${down.length === 1 ? `${down[0]!.name} is failing` : `all ${down.length} probed endpoints are failing`}`,
        evidence: down.map(describe),
      }),
    ];
  }
  const findings: Finding[] = down.map((r) => {
    const path = String(r.metrics['path'] ?? r.name);
    return ctx.raise('endpoint_failure', {
      severity: 'P3',
      summary: `endpoint ${path} is failing while the other endpoints are fine`,
      evidence: [describe(r), ...endpoints.filter((e) => !isDown(e)).map((e) => `${e.name} ${String(e.metrics['path'])} ok`)],
      vars: { path, pathOnly: path.split('?')[0] ?? path },
    });
  });
  // Intermittent failures on endpoints that are not simply down: an error rate (Scenario 2).
  const partial = endpoints.filter((r) => !isDown(r));
  const samples = partial.reduce((n, r) => n + num(r.metrics['samples']), 0);
  const failures = partial.reduce((n, r) => n + num(r.metrics['failures']), 0);
  const rate = samples > 0 ? failures / samples : 0;
  const severity = samples >= 2 ? severityForErrorRate(rate, ctx.bands) : null;
  if (severity) {
    findings.push(
      ctx.raise('high_error_rate', {
        severity,
        summary: `${(rate * 100).toFixed(1)} % of ${samples} sampled requests failed`,
        evidence: partial.filter((r) => num(r.metrics['failures']) > 0).map((r) => `${r.name}: ${num(r.metrics['failures'])}/${num(r.metrics['samples'])} failed${r.error ? ` (${r.error.code})` : ''}`),
      }),
    );
  }
  return findings;
}
