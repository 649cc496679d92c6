import { performance } from 'node:perf_hooks';
import type { EndpointConfig } from '../../src/model/settings/endpoint.js';
import { ProbeError, type ErrorInfo } from '../../src/model/errors.js';
import { checkResponse } from './assert.js';
import { classifyHttpError } from '../../src/clients/http-errors.js';
import { newPhases, queuedMs, withPhases, type ConnectionFacts, type HttpResources } from '../../src/clients/http-agent.js';
import { exchange } from '../../src/clients/http-exchange.js';

export interface SampleResult {
  ok: boolean;
  /** the request's own time, from when a connection took it; the wait for our pool is `queueMs` */
  durationMs: number;
  queueMs: number;
  status: number | null;
  bytes: number;
  phases: { resolve: number; connect: number; tls: number; processing: number; transfer: number };
  /** the Content-Length header, null when the response sent none */
  contentLength: number | null;
  /** the connection that carried it (also a kept-alive one's, from when it was opened) */
  connection?: ConnectionFacts;
  error?: ErrorInfo;
}

export interface SampleRequest {
  url: URL;
  endpoint: EndpointConfig;
  signal: AbortSignal;
  timeoutMs: number;
  http: HttpResources;
  /** `prepareRequest(url, endpoint)`, when the caller keeps it across requests */
  prepared?: PreparedRequest;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** What every request to an endpoint sends the same: where, its body text, its headers. */
export interface PreparedRequest {
  origin: string;
  path: string;
  body: string | undefined;
  headers: Record<string, string>;
}

/**
 * Built once per endpoint by a caller that probes it again and again (each URL getter builds its string anew, the
 * headers are a copy): the endpoint's config is not changed after loading, and undici only reads what it is given.
 */
export function prepareRequest(url: URL, endpoint: EndpointConfig): PreparedRequest {
  const body = endpoint.body === undefined ? undefined : typeof endpoint.body === 'string' ? endpoint.body : JSON.stringify(endpoint.body);
  const headers: Record<string, string> = { 'user-agent': 'radar-probe', ...endpoint.headers };
  if (body !== undefined && typeof endpoint.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  return { origin: url.origin, path: `${url.pathname}${url.search}`, body, headers };
}

/** One HTTP exchange with blackbox-style phase timings; never throws. */
export async function sampleOnce(req: SampleRequest): Promise<SampleResult> {
  const { endpoint } = req;
  const phases = newPhases();
  const started = performance.now();
  let headersAt = started;
  let status: number | null = null;
  let bytes = 0;
  let contentLength: number | null = null;
  const finish = (error?: ErrorInfo): SampleResult => {
    const end = performance.now();
    const connection = phases.resolve + phases.connect + phases.tls;
    // Waiting for a connection of our own pool is not the API's latency.
    const queued = queuedMs(phases, end);
    const begun = started + queued;
    const result: SampleResult = {
      ok: !error,
      durationMs: round(end - begun),
      queueMs: round(queued),
      status,
      bytes,
      phases: {
        resolve: round(phases.resolve),
        connect: round(phases.connect),
        tls: round(phases.tls),
        processing: round(Math.max(0, (status === null ? end : headersAt) - begun - connection)),
        transfer: round(status === null ? 0 : end - headersAt),
      },
      contentLength,
    };
    // a kept-alive connection made no handshake for this request: its facts are the ones noted when it was opened
    const carried = phases.connection ?? (phases.assignedAt === undefined ? undefined : req.http.connectionFacts(req.url));
    if (carried) result.connection = carried;
    if (error) result.error = error;
    return result;
  };
  try {
    const caFile = endpoint.tls?.caFile;
    const agent = req.http.agent({ connectTimeoutMs: req.timeoutMs, ...(caFile ? { caFile } : {}) });
    const { origin, path, body, headers } = req.prepared ?? prepareRequest(req.url, endpoint);
    const response = await withPhases(phases, () =>
      exchange(agent, {
        origin,
        path,
        method: endpoint.method,
        headers,
        body,
        signal: req.signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        maxBodyBytes: endpoint.maxBodyBytes,
        onHead: (statusCode, head) => {
          headersAt = performance.now();
          status = statusCode;
          const declared = Number(head['content-length']);
          contentLength = head['content-length'] !== undefined && Number.isFinite(declared) ? declared : null;
        },
      }),
    );
    const contentType = String(response.headers['content-type'] ?? '');
    const text = response.text;
    bytes = response.bytes;
    checkResponse(endpoint.expect, { status: response.statusCode, body: text, contentType, method: endpoint.method });
    const now = performance.now();
    const elapsed = now - started - queuedMs(phases, now);
    if (endpoint.expect.maxLatency !== undefined && elapsed > endpoint.expect.maxLatency) {
      throw new ProbeError('RP_ERR_LATENCY_BUDGET', `took ${elapsed.toFixed(1)} ms, budget ${endpoint.expect.maxLatency} ms`);
    }
    return finish();
  } catch (err) {
    return finish(classifyHttpError(err, phases, req.signal));
  }
}
