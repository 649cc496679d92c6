/** The runbook's reading of endpoint results: all down is an outage, one down is Scenario 4, partial is Scenario 2. */
import type { DiagnosisContext } from './context.js';
import { severityForErrorRate } from '../model/severity.js';
import type { Finding } from '../model/types.js';
import type { EndpointReading } from './input.js';

function describe(result: EndpointReading): string {
  const path = result.path ?? result.name;
  const status = result.statusCode;
  const why = result.error ? `${result.error.code}: ${result.error.message}` : `status ${String(status)}`;
  return `${result.name} ${path} → ${why}`;
}

export function diagnoseHttp(readings: readonly EndpointReading[], ctx: DiagnosisContext): Finding[] {
  const endpoints = readings.filter((r) => r.status !== 'skipped');
  if (endpoints.length === 0) return [];
  const isDown = (r: EndpointReading): boolean => r.status !== 'pass' && r.failures >= Math.max(1, r.samples);
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
    const path = r.path ?? r.name;
    return ctx.raise('endpoint_failure', {
      severity: 'P3',
      summary: `endpoint ${path} is failing while the other endpoints are fine`,
      evidence: [describe(r), ...endpoints.filter((e) => !isDown(e)).map((e) => `${e.name} ${String(e.path)} ok`)],
      vars: { path, pathOnly: path.split('?')[0] ?? path },
    });
  });
  // Intermittent failures on endpoints that are not simply down: an error rate (Scenario 2).
  const partial = endpoints.filter((r) => !isDown(r));
  const samples = partial.reduce((n, r) => n + r.samples, 0);
  const failures = partial.reduce((n, r) => n + r.failures, 0);
  const rate = samples > 0 ? failures / samples : 0;
  const severity = samples >= 2 ? severityForErrorRate(rate, ctx.bands) : null;
  if (severity) {
    findings.push(
      ctx.raise('high_error_rate', {
        severity,
        summary: `${(rate * 100).toFixed(1)} % of ${samples} sampled requests failed`,
        evidence: partial.filter((r) => r.failures > 0).map((r) => `${r.name}: ${r.failures}/${r.samples} failed${r.error ? ` (${r.error.code})` : ''}`),
      }),
    );
  }
  return findings;
}
