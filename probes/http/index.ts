import { z } from 'zod';
import { endpointSchema, endpointsDefaults, endpointsSchema } from '../../src/model/settings/endpoint.js';
import type { MetricRecord } from '../../src/model/types.js';
import type { HttpData } from '../../src/model/results.js';
import { quantileOf } from '../../src/model/latency.js';
import { sampleOnce, type SampleResult } from './request.js';
import { settingsSection, type KindWithSettings, type ProbeOutcome } from '../types.js';

export const httpParams = z.object({
  target: z.string(),
  endpoint: endpointSchema,
  /** overrides endpoint.samples (the errors and verify scenarios sample more) */
  samples: z.number().int().min(1).optional(),
});

export type HttpProbeParams = z.infer<typeof httpParams>;


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

/** The JSON contract's `metrics` and `details` of an HTTP result, written from its typed data. */
export function publicFields(data: HttpData): { metrics: MetricRecord; details: MetricRecord } {
  const failures = data.samples.filter((s) => !s.ok).length;
  const durations = data.samples.filter((s) => s.ok).map((s) => s.ms).sort((a, b) => a - b);
  const metrics: MetricRecord = {
    path: data.path,
    method: data.method,
    statusCode: data.statusCode,
    bytes: data.bytes,
    samples: data.samples.length,
    failures,
    errorRate: data.samples.length ? failures / data.samples.length : 1,
    phases: data.phases ? { ...data.phases } : {},
    latencyMs: { p50: quantileOf(durations, 0.5), p95: quantileOf(durations, 0.95), max: durations.at(-1) ?? null },
    // our own connection pool's wait, kept apart from the latency above
    queueMs: Math.max(0, ...data.samples.map((s) => s.queueMs ?? 0)),
  };
  const details: MetricRecord = {
    sampleDurationsMs: data.samples.map((s) => s.ms),
    sampleOk: data.samples.map((s) => s.ok),
    sampleQueueMs: data.samples.map((s) => s.queueMs ?? 0),
  };
  return { metrics, details };
}

/**
 * The HTTP kind's settings are the `endpoints` list it probes. Its shape lives in src/model/settings because the load
 * kind, diagnosis and the blackbox endpoint read the same endpoints.
 */
export const endpointsSettings = settingsSection('endpoints', endpointsSchema, endpointsDefaults);

export const httpProbe: KindWithSettings<HttpProbeParams, 'endpoints', typeof endpointsSchema> = {
  name: 'http',
  params: httpParams,
  settings: endpointsSettings,
  async run(params, ctx): Promise<ProbeOutcome> {
    const { endpoint } = params;
    const url = new URL(endpoint.path, params.target);
    const count = params.samples ?? endpoint.samples;
    const timeoutMs = Math.min(ctx.timeoutMs, endpoint.timeout ?? ctx.timeoutMs);
    const samples: SampleResult[] = [];
    // Sequential on purpose: samples estimate an error rate without adding load; the load probe adds load.
    for (let i = 0; i < count && !ctx.signal.aborted; i++) {
      samples.push(await sampleOnce({ url, endpoint, signal: ctx.signal, timeoutMs, http: ctx.http }));
    }
    const last = samples.at(-1);
    const data: HttpData = {
      kind: 'http',
      path: endpoint.path,
      method: endpoint.method,
      statusCode: last?.status ?? null,
      bytes: last?.bytes ?? 0,
      phases: last ? { ...last.phases } : null,
      samples: samples.map((s) => ({ ms: s.durationMs, queueMs: s.queueMs, ok: s.ok, timedOut: /TIMEOUT/.test(s.error?.code ?? ''), status: s.status })),
    };
    const { metrics, details } = publicFields(data);
    const error = mostCommonError(samples);
    if (samples.length === 0) return { status: 'error', metrics, details, data, error: { code: 'RP_ERR_PROBE_ABORTED', message: 'aborted before the first sample' } };
    if (!error) return { status: 'pass', metrics, details, data };
    return { status: 'fail', metrics, details, data, error: { code: error.code, message: ctx.redact(`${url.pathname}: ${error.message}`) } };
  },
};
