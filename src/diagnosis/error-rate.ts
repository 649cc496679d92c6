/**
 * The service-wide error rate and how sure it is. Where Prometheus answered, the runbook's own PromQL over real
 * traffic is the source of truth; otherwise the bigger of our two counts (the load run, or the endpoint samples),
 * with its Wilson interval. Abandoned samples (cut by our own budget) are never in these counts.
 */
import { wilsonInterval, countText, percent, type FindingConfidence } from '../model/confidence.js';
import { severityForErrorRate } from '../model/severity.js';
import type { Finding, Severity } from '../model/types.js';
import type { DiagnosisContext } from './context.js';
import type { DiagnosisInput, EndpointReading } from './input.js';

export interface ErrorRateReading {
  rate: number;
  source: FindingConfidence['source'];
  /** null for Prometheus: a ratio of real traffic, not our count */
  samples: number | null;
  failures: number | null;
  /** what was counted, for the evidence line */
  counted: string;
}

/** Fewer samples than this say little about a rate whatever the interval says. */
const FEW_SAMPLES = 10;

function fromPrometheus({ results }: DiagnosisInput): ErrorRateReading | null {
  for (const r of results) {
    if (r.data?.kind !== 'prometheus' || r.data.errorRate === null || r.status !== 'pass') continue;
    return {
      rate: r.data.errorRate,
      source: 'prometheus',
      samples: null,
      failures: null,
      counted: 'real traffic: rate(api_requests_total{status=~"5.."}[5m]) / rate(api_requests_total[5m])',
    };
  }
  return null;
}

/** The reading the verdict rests on; `endpoints` are the ones whose samples may count (an endpoint-scoped failure is not). */
export function serviceErrorRate(input: DiagnosisInput, endpoints: readonly EndpointReading[]): ErrorRateReading | null {
  const prometheus = fromPrometheus(input);
  if (prometheus) return prometheus;
  const samples = endpoints.reduce((n, r) => n + r.samples, 0);
  const failures = endpoints.reduce((n, r) => n + r.failures, 0);
  const load = input.latency.fromLoad ? input.latency.summary : undefined;
  if (load && load.requests > 0 && load.requests >= samples) {
    return {
      rate: load.errorRate,
      source: 'load',
      samples: load.requests,
      failures: load.errors,
      counted: `load run: ${countText(load.errors, load.requests)} (errors ${load.errors}, timeouts ${load.timeouts})`,
    };
  }
  if (samples === 0) return null;
  const per = endpoints
    .filter((r) => r.samples > 0)
    .map((r) => `${r.name} ${r.failures}/${r.samples}`)
    .join(', ');
  return {
    rate: failures / samples,
    source: input.windowed ? 'window' : 'samples',
    samples,
    failures,
    counted: `endpoint samples: ${countText(failures, samples)} (${per})`,
  };
}

/** high: the whole 95 % interval lies in the band the table gives the rate; medium: enough samples; low: a handful. */
export function rateConfidence(reading: ErrorRateReading, severity: Severity | null, ctx: DiagnosisContext): FindingConfidence {
  const base = { source: reading.source, samples: reading.samples, failures: reading.failures, errorRate: reading.rate };
  if (reading.samples === null || reading.failures === null) {
    return { ...base, level: 'high', basis: 'real traffic measured by Prometheus with the runbook query' };
  }
  const interval = wilsonInterval(reading.failures, reading.samples);
  const inBand = severityForErrorRate(interval.low, ctx.bands) === severity && severityForErrorRate(interval.high, ctx.bands) === severity;
  const span = `95 % interval ${percent(interval.low)}–${percent(interval.high)} over ${reading.samples} requests`;
  if (inBand) return { ...base, interval, level: 'high', basis: `${span}, all of it in the ${severity ?? 'no-finding'} band` };
  if (reading.samples >= FEW_SAMPLES) return { ...base, interval, level: 'medium', basis: `${span}: it reaches into a neighbouring band` };
  return { ...base, interval, level: 'low', basis: `${span}: too few requests to tell the bands apart` };
}

/** Scenario 2, banded by the table (> 50 % P1, 10–50 % P2, ≥ 1 % P3, below that nothing). */
export function errorRateFinding(reading: ErrorRateReading | null, ctx: DiagnosisContext, scope: string): Finding[] {
  if (!reading) return [];
  const severity = severityForErrorRate(reading.rate, ctx.bands);
  if (!severity) return [];
  const confidence = rateConfidence(reading, severity, ctx);
  const interval = confidence.interval ? ` (95 % interval ${percent(confidence.interval.low)}–${percent(confidence.interval.high)})` : '';
  const of =
    reading.samples === null ? 'of real traffic' : `of ${reading.samples} ${reading.source === 'load' ? 'load requests' : 'sampled requests'}`;
  return [
    ctx.raise('high_error_rate', {
      severity,
      summary: `${scope}error rate ${percent(reading.rate)} ${of}${interval}`,
      evidence: [reading.counted],
      confidence,
    }),
  ];
}
