/**
 * What diagnosis reads about each endpoint, typed. The one-shot reads it off the HTTP results; the daemon from its
 * rolling windows (down = the last few samples failed, error rate = the whole window), without rewriting results.
 */
import type { ErrorInfo } from '../model/errors.js';
import { httpDataOf, isReached } from '../model/results.js';
import type { LatencySummary, ProbeResult, ProbeStatus } from '../model/types.js';

export interface EndpointReading {
  name: string;
  status: ProbeStatus;
  /** undefined when the probe returned no data (cut off by its deadline) */
  path?: string;
  statusCode?: number | null;
  samples: number;
  failures: number;
  error?: ErrorInfo;
}

export interface DiagnosisInput {
  /** every result: probe-level findings and failing dependencies come from here */
  results: readonly ProbeResult[];
  /** the HTTP endpoints, skipped ones included */
  endpoints: readonly EndpointReading[];
  latency: { summary: LatencySummary | undefined; fromLoad: boolean };
  /** the endpoint counts are the daemon's rolling windows rather than this run's samples */
  windowed?: boolean;
}

export function endpointReading(result: ProbeResult): EndpointReading {
  const data = httpDataOf(result);
  // a certificate rejection is explained by the certificate finding: like an abandoned sample, it is no count here
  // counted in place (reachedSamples' arrays, for every endpoint at every evaluation, were garbage at once)
  let samples = 0;
  let failures = 0;
  for (const s of data?.samples ?? []) {
    if (!isReached(s)) continue;
    samples++;
    if (!s.ok) failures++;
  }
  return {
    name: result.name,
    status: result.status,
    ...(data ? { path: data.path, statusCode: data.statusCode } : {}),
    samples,
    failures,
    ...(result.error ? { error: result.error } : {}),
  };
}

export function diagnosisInput(results: readonly ProbeResult[], latency: DiagnosisInput['latency']): DiagnosisInput {
  return { results, endpoints: results.filter((r) => r.kind === 'http').map(endpointReading), latency };
}
