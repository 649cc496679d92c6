import type { EndpointConfig } from '../../src/config/sections/http.js';
import type { MetricRecord } from '../../src/model/types.js';
import { sampleOnce, type SampleResult } from './request.js';
import type { ProbeKind, ProbeOutcome } from '../types.js';

export interface HttpProbeParams {
  target: string;
  endpoint: EndpointConfig;
  /** overrides endpoint.samples (the errors and verify scenarios sample more) */
  samples?: number;
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

function mostCommonError(samples: readonly SampleResult[]): SampleResult['error'] {
  const counts = new Map<string, { n: number; error: NonNullable<SampleResult['error']> }>();
  for (const s of samples) {
    if (!s.error) continue;
    const entry = counts.get(s.error.code) ?? { n: 0, error: s.error };
    entry.n++;
    counts.set(s.error.code, entry);
  }
  return [...counts.values()].sort((a, b) => b.n - a.n)[0]?.error;
}

export const httpProbe: ProbeKind<HttpProbeParams> = {
  kind: 'http',
  async run(spec, ctx): Promise<ProbeOutcome> {
    const { endpoint } = spec.params;
    const url = new URL(endpoint.path, spec.params.target);
    const count = spec.params.samples ?? endpoint.samples;
    const timeoutMs = Math.min(ctx.timeoutMs, endpoint.timeout ?? ctx.timeoutMs);
    const samples: SampleResult[] = [];
    // Sequential on purpose: samples estimate an error rate without adding load; the load probe adds load.
    for (let i = 0; i < count && !ctx.signal.aborted; i++) {
      samples.push(await sampleOnce({ url, endpoint, signal: ctx.signal, timeoutMs, http: ctx.http }));
    }
    const failures = samples.filter((s) => !s.ok).length;
    const last = samples.at(-1);
    const durations = samples.filter((s) => s.ok).map((s) => s.durationMs).sort((a, b) => a - b);
    const metrics: MetricRecord = {
      path: endpoint.path,
      method: endpoint.method,
      statusCode: last?.status ?? null,
      bytes: last?.bytes ?? 0,
      samples: samples.length,
      failures,
      errorRate: samples.length ? failures / samples.length : 1,
      phases: last ? { ...last.phases } : {},
      latencyMs: { p50: quantile(durations, 0.5), p95: quantile(durations, 0.95), max: durations.at(-1) ?? null },
      // our own connection pool's wait, kept apart from the latency above
      queueMs: Math.max(0, ...samples.map((s) => s.queueMs)),
    };
    const details: MetricRecord = {
      sampleDurationsMs: samples.map((s) => s.durationMs),
      sampleOk: samples.map((s) => s.ok),
      sampleQueueMs: samples.map((s) => s.queueMs),
    };
    const error = mostCommonError(samples);
    if (samples.length === 0) return { status: 'error', metrics, details, error: { code: 'RP_ERR_PROBE_ABORTED', message: 'aborted before the first sample' } };
    if (!error) return { status: 'pass', metrics, details };
    return { status: 'fail', metrics, details, error: { code: error.code, message: ctx.redact(`${url.pathname}: ${error.message}`) } };
  },
};
