/** One bounded GET with phase-aware transport classification, shared by the external and Prometheus kinds; never throws. */
import { deadline } from '../support/abort.js';
import { performance } from 'node:perf_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorInfo } from '../model/errors.js';
import { classifyHttpError } from './http-errors.js';
import { newPhases, queuedMs, withPhases, type HttpResources } from './http-agent.js';

/** Enough for any status or error document; a provider's full model list is not needed to judge health. */
const BODY_CAP = 1_048_576;

export interface Exchange {
  status: number | null;
  headers: IncomingHttpHeaders;
  body: string;
  /** true when the body was cut at the cap */
  truncated: boolean;
  durationMs: number;
  /** transport failure (DNS, connect, TLS, timeout); absent when any HTTP response arrived */
  transportError?: ErrorInfo;
}

export interface ExchangeRequest {
  url: URL;
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  http: HttpResources;
}

export async function exchange(req: ExchangeRequest): Promise<Exchange> {
  const phases = newPhases();
  const started = performance.now();
  const own = deadline(req.signal, req.timeoutMs);
  const signal = own.signal;
  // the exchange's own time: waiting for a connection of our pool is left out
  const elapsed = (): number => {
    const now = performance.now();
    return Math.round((now - started - queuedMs(phases, now)) * 1000) / 1000;
  };
  try {
    const agent = req.http.agent({ connectTimeoutMs: req.timeoutMs });
    const response = await withPhases(phases, () =>
      agent.request({
        origin: req.url.origin,
        path: `${req.url.pathname}${req.url.search}`,
        method: 'GET',
        headers: req.headers,
        signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      }),
    );
    const chunks: Buffer[] = [];
    let bytes = 0;
    let truncated = false;
    try {
      for await (const chunk of response.body) {
        const buf = Buffer.from(chunk as Uint8Array);
        chunks.push(buf.subarray(0, Math.max(0, BODY_CAP - bytes)));
        bytes += buf.length;
        if (bytes >= BODY_CAP) {
          truncated = true;
          break;
        }
      }
    } finally {
      if (!response.body.destroyed) response.body.destroy();
    }
    return { status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), truncated, durationMs: elapsed() };
  } catch (err) {
    return { status: null, headers: {}, body: '', truncated: false, durationMs: elapsed(), transportError: classifyHttpError(err, phases, signal) };
  } finally {
    own.dispose();
  }
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
