/**
 * The runbook's reading of endpoint results, by scope. Every endpoint failing with the health check failing too is a
 * complete outage (Scenario 1, P0). One endpoint (at most half of them) consistently failing while the others'
 * samples succeed is a specific endpoint failure (Scenario 4, P3). Anything else — most or all endpoints failing,
 * failures spread over them — is a service-wide error rate (Scenario 2), banded by the severity table.
 */
import type { FindingConfidence } from '../model/confidence.js';
import type { Finding } from '../model/types.js';
import type { DiagnosisContext } from './context.js';
import { errorRateFinding, serviceErrorRate } from './error-rate.js';
import type { DiagnosisInput, EndpointReading } from './input.js';

/** "all or most" of an endpoint's samples */
const MOST = 0.8;
/** "several" samples: fewer make a guess, said as such in the confidence */
const SEVERAL = 3;

function describe(result: EndpointReading): string {
  const path = result.path ?? result.name;
  const why = result.error ? `${result.error.code}: ${result.error.message}` : `status ${String(result.statusCode)}`;
  return `${result.name} ${path} → ${why} (${result.failures}/${result.samples} samples failed)`;
}

const failingNow = (r: EndpointReading): boolean => r.failures / r.samples >= MOST;
const total = (list: readonly EndpointReading[], key: 'samples' | 'failures'): number => list.reduce((n, r) => n + r[key], 0);

function outageConfidence(down: readonly EndpointReading[], input: DiagnosisInput): FindingConfidence {
  const samples = total(down, 'samples');
  const level = samples >= 2 * SEVERAL ? 'high' : samples >= 2 ? 'medium' : 'low';
  return {
    level,
    source: input.windowed ? 'window' : 'samples',
    samples,
    failures: samples,
    errorRate: 1,
    basis: `every one of ${samples} samples over ${down.length} endpoint(s), the health check's included, failed`,
  };
}

function endpointConfidence(r: EndpointReading, others: readonly EndpointReading[], input: DiagnosisInput): FindingConfidence {
  const otherSamples = total(others, 'samples');
  const otherFailures = total(others, 'failures');
  const level = r.samples >= SEVERAL && otherSamples >= SEVERAL ? (r.failures === r.samples && r.samples >= 5 ? 'high' : 'medium') : 'low';
  return {
    level,
    source: input.windowed ? 'window' : 'samples',
    samples: r.samples,
    failures: r.failures,
    errorRate: r.failures / r.samples,
    basis: `${r.failures} of ${r.samples} samples of this endpoint failed; ${otherFailures} of ${otherSamples} samples of the other endpoints failed`,
  };
}

export function diagnoseEndpoints(input: DiagnosisInput, ctx: DiagnosisContext): Finding[] {
  // an endpoint with no answered sample (every one abandoned, or no data) says nothing either way
  const checked = input.endpoints.filter((r) => r.status !== 'skipped' && r.samples > 0);
  const failing = checked.filter(failingNow);
  const healthFailing = failing.some((r) => r.name === ctx.healthEndpoint);
  const allRequestsFailed = checked.length > 0 && checked.every((r) => r.failures === r.samples);
  if (allRequestsFailed && healthFailing) {
    return [
      ctx.raise('api_outage', {
        severity: 'P0',
        summary: `${ctx.service} is down: ${checked.length === 1 ? `${checked[0].name} is failing` : `all ${checked.length} probed endpoints are failing, the health check included`}`,
        evidence: checked.map(describe),
        confidence: outageConfidence(checked, input),
      }),
    ];
  }
  const others = checked.filter((r) => !failing.includes(r));
  const othersFine = total(others, 'samples') > 0 && total(others, 'failures') / total(others, 'samples') < ctx.bands.errorRate.P2;
  if (failing.length > 0 && failing.length * 2 <= checked.length && othersFine) {
    const findings = failing.map((r) => {
      const path = r.path ?? r.name;
      return ctx.raise('endpoint_failure', {
        severity: 'P3',
        summary: `endpoint ${path} is failing while the other endpoints are fine`,
        evidence: [describe(r), ...others.map((e) => `${e.name} ${String(e.path)}: ${e.failures}/${e.samples} samples failed`)],
        vars: { path, pathOnly: path.split('?')[0] ?? path },
        confidence: endpointConfidence(r, others, input),
      });
    });
    // the remaining endpoints may still err at a lower rate (Scenario 2 beside Scenario 4)
    return [...findings, ...errorRateFinding(serviceErrorRate(input, others), ctx, 'the other endpoints: ')];
  }
  return errorRateFinding(
    serviceErrorRate(input, checked),
    ctx,
    failing.length > 1 ? `${failing.length} of ${checked.length} endpoints failing; ` : '',
  );
}
