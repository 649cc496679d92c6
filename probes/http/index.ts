import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { endpointSchema, endpointsDefaults, endpointsSchema } from '../../src/model/settings/endpoint.js';
import type { MetricRecord } from '../../src/model/types.js';
import type { HttpData, HttpSample } from '../../src/model/results.js';
import { quantileOf } from '../../src/model/latency.js';
import { deadline as timerUnder } from '../../src/support/abort.js';
import { prepareRequest, sampleOnce, type PreparedRequest, type SampleResult } from './request.js';
import { certificateFinding, certificateRejected, certificateSeries } from './certificate.js';
import { settingsSection, type KindWithSettings, type ProbeOutcome } from '../types.js';

export const httpParams = z.object({
  target: z.string(),
  endpoint: endpointSchema,
  /** overrides endpoint.samples (the errors and verify scenarios sample more) */
  samples: z.number().int().min(1).optional(),
  /** samples in flight at once (default 1): the errors scenario takes hundreds to resolve the 1 % band */
  concurrency: z.number().int().min(1).max(32).optional(),
  /** an error rate below this (the table's P3 band) is not this endpoint failing, when many samples estimate it */
  passBelowErrorRate: z.number().min(0).max(1).optional(),
});

export type HttpProbeParams = z.infer<typeof httpParams>;

function mostCommonError(samples: readonly Taken[]): SampleResult['error'] {
  if (!samples.some((s) => s.error && !s.abandoned)) return undefined;
  const counts = new Map<string, { n: number; error: NonNullable<SampleResult['error']> }>();
  for (const s of samples) {
    if (!s.error || s.abandoned) continue;
    const entry = counts.get(s.error.code) ?? { n: 0, error: s.error };
    entry.n++;
    counts.set(s.error.code, entry);
  }
  return [...counts.values()].sort((a, b) => b.n - a.n)[0]?.error;
}

/** The JSON contract's `metrics` and `details` of an HTTP result, written from its typed data. */
export function publicFields(data: HttpData): { metrics: MetricRecord; details: MetricRecord } {
  // One pass over the samples (every endpoint probe comes here). The arrays it builds are the ones the result keeps,
  // for one interval, past a young-generation collection: sized to the samples, not grown by push (room for 17).
  const count = data.samples.length;
  const sampleDurationsMs = new Array<number>(count);
  const sampleOk = new Array<boolean>(count);
  const sampleQueueMs = new Array<number>(count);
  const durations: number[] = [];
  let failures = 0;
  let queueMs = 0;
  let answered = 0;
  for (const s of data.samples) {
    if (s.abandoned) continue;
    sampleDurationsMs[answered] = s.ms;
    sampleOk[answered] = s.ok;
    sampleQueueMs[answered] = s.queueMs ?? 0;
    answered++;
    queueMs = Math.max(queueMs, s.queueMs ?? 0);
    if (s.ok) durations.push(s.ms);
    else failures++;
  }
  if (answered < count) for (const column of [sampleDurationsMs, sampleOk, sampleQueueMs]) column.length = answered;
  if (durations.length > 1) durations.sort((a, b) => a - b);
  const metrics: MetricRecord = {
    path: data.path,
    method: data.method,
    statusCode: data.statusCode,
    bytes: data.bytes,
    samples: answered,
    failures,
    abandoned: data.samples.length - answered,
    errorRate: answered ? failures / answered : 1,
    // the same object as data.phases: a result is kept a whole interval, and every copy is six more heap objects
    phases: data.phases ?? {},
    latencyMs: { p50: quantileOf(durations, 0.5), p95: quantileOf(durations, 0.95), max: durations.at(-1) ?? null },
    // our own connection pool's wait, kept apart from the latency above
    queueMs,
  };
  const tls = data.connection?.tls;
  if (tls) {
    const expiresAt = new Date(tls.earliestExpiry * 1000).toISOString();
    metrics['certificate'] = { expiresAt, version: tls.version, verified: tls.authorized, subject: tls.leaf.subject, issuer: tls.leaf.issuer };
  }
  const details: MetricRecord = { sampleDurationsMs, sampleOk, sampleQueueMs };
  return { metrics, details };
}

/**
 * The URL and request of a probe's params, made on its first run: the daemon runs the same params (checked once,
 * when the plan is built) every interval, and parsing the URL and copying the headers each time was part of every run.
 */
const targets = new WeakMap<HttpProbeParams, { url: URL; prepared: PreparedRequest }>();

function targetOf(params: HttpProbeParams): { url: URL; prepared: PreparedRequest } {
  let found = targets.get(params);
  if (!found) {
    const url = new URL(params.endpoint.path, params.target);
    targets.set(params, (found = { url, prepared: prepareRequest(url, params.endpoint) }));
  }
  return found;
}

/** A request cut by us with less than this left of its per-request timeout still had its full timeout. */
const TIMER_SLACK_MS = 100;
const CUT_CODES = new Set(['RP_ERR_PROBE_ABORTED', 'RP_ERR_PROBE_TIMEOUT', 'RP_ERR_RESPONSE_TIMEOUT', 'RP_ERR_CONNECT_TIMEOUT']);

type Taken = SampleResult & { abandoned: boolean };

/**
 * Whether the run, not the API, ended a failed sample: a shutdown, or a timeout that fired because the run's remaining
 * budget was shorter than the per-request timeout. A sample that had its whole per-request timeout and used it is the
 * API's timeout.
 */
function cutByUs(sample: SampleResult, grantedMs: number, timeoutMs: number): boolean {
  const code = sample.error?.code;
  if (sample.ok || code === undefined || !CUT_CODES.has(code)) return false;
  return code === 'RP_ERR_PROBE_ABORTED' || grantedMs < timeoutMs - TIMER_SLACK_MS;
}

/** A request that failed only because verifying clients refuse the certificate the handshake showed (typed, not by message). */
function rejectedByCertificate(s: Taken): boolean {
  const tls = s.connection?.tls;
  return !s.ok && !s.abandoned && s.error?.code === 'RP_ERR_TLS' && tls !== undefined && certificateRejected(tls);
}

function typedSample(s: Taken): HttpSample {
  const sample: HttpSample = {
    ms: s.durationMs,
    queueMs: s.queueMs,
    ok: s.ok,
    timedOut: !s.abandoned && s.error !== undefined && s.error.code.includes('TIMEOUT'),
    status: s.status,
  };
  // set only when true, in this order (no spread of an empty object per sample)
  if (s.abandoned) sample.abandoned = true;
  if (rejectedByCertificate(s)) sample.certificateRejected = true;
  return sample;
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
    const { url, prepared } = targetOf(params);
    const count = params.samples ?? endpoint.samples;
    const timeoutMs = Math.min(ctx.timeoutMs, endpoint.timeout ?? ctx.timeoutMs);
    const deadline = performance.now() + ctx.timeoutMs;
    const taken: Taken[] = [];
    let started = 0;
    // the longest sample so far: a sample that would not fit in what is left of the budget is not started
    let longestMs = 0;
    // Sequential by default on purpose: samples estimate an error rate without adding load; the load probe adds load.
    const worker = async (): Promise<void> => {
      while (started < count && !ctx.signal.aborted) {
        const remaining = deadline - performance.now();
        if (started > 0 && remaining < longestMs) return;
        started++;
        const grantedMs = Math.max(1, Math.floor(Math.min(timeoutMs, remaining)));
        // Our own timer, not undici's coarse one, ends a sample given less than its timeout, on time to be told apart;
        // the per-request timeout itself stays one value, so samples share one agent and its kept-alive connections.
        // A sample granted all that is left of the run needs none: the runner's signal fires then. The timer is
        // cleared with the sample (AbortSignal.timeout's stayed armed for the whole timeout, one per sample).
        const own = grantedMs < Math.floor(remaining) ? timerUnder(ctx.signal, grantedMs) : null;
        let sample: SampleResult;
        try {
          sample = await sampleOnce({ url, endpoint, signal: own?.signal ?? ctx.signal, timeoutMs, http: ctx.http, prepared });
        } finally {
          own?.dispose();
        }
        longestMs = Math.max(longestMs, sample.durationMs);
        taken.push({ ...sample, abandoned: cutByUs(sample, grantedMs, timeoutMs) });
      }
    };
    const workers = Math.min(count, params.concurrency ?? 1);
    await (workers === 1 ? worker() : Promise.all(Array.from({ length: workers }, worker)));
    const last = taken.findLast((s) => !s.abandoned);
    const data: HttpData = {
      kind: 'http',
      path: endpoint.path,
      method: endpoint.method,
      statusCode: last?.status ?? null,
      bytes: last?.bytes ?? 0,
      // the sample's own object (made fresh per sample, never changed after): kept once, not copied
      phases: last ? last.phases : null,
      samples: taken.map(typedSample),
      contentLength: last?.contentLength ?? null,
    };
    // the latest connection's, a failed handshake's included: an expired certificate is reported with its date
    const connection = taken.findLast((s) => s.connection)?.connection;
    if (connection) data.connection = connection;
    const tls = connection?.tls;
    const certificate = tls ? certificateFinding(url, tls, endpoint.tls?.expiryWarningDays ?? 14, ctx.raise) : null;
    const extras = { ...(tls ? { series: certificateSeries(tls) } : {}), ...(certificate ? { findings: [certificate] } : {}) };
    const { metrics, details } = publicFields(data);
    const error = mostCommonError(taken);
    if (!last) {
      const why = taken.length ? `all ${taken.length} samples were cut by the run's own budget, not by the API` : 'aborted before the first sample';
      return { status: 'error', metrics, details, data, ...extras, error: { code: 'RP_ERR_PROBE_ABORTED', message: why } };
    }
    // Many samples estimate a rate: a few failures below the runbook's 1 % are not this endpoint failing.
    let answered = 0;
    let failed = 0;
    for (const s of taken) {
      if (s.abandoned) continue;
      answered++;
      if (!s.ok) failed++;
    }
    if (!error || failed / answered < (params.passBelowErrorRate ?? 0.01)) return { status: 'pass', metrics, details, data, ...extras };
    return {
      status: 'fail',
      metrics,
      details,
      data,
      ...extras,
      error: { code: error.code, message: ctx.redact(`${url.pathname}: ${error.message}`) },
    };
  },
};
