/** One JSON POST with a hard deadline, classified into deliver / retry / give up. Never throws. */
import { request, type Dispatcher } from '../../clients/undici.js';
import { errorMessage } from '../../model/errors.js';
import type { DeliveryResult } from '../types.js';

export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  dispatcher: Dispatcher | undefined;
  signal?: AbortSignal;
}

/** generous: the caller redacts before it shortens, so a secret cut in half by the limit cannot slip through */
const MAX_ERROR_BODY = 4096;

export function retryAfterMs(header: string | string[] | undefined, now: number): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** 2xx delivered; 408/429/5xx and network failures are retried; any other 4xx means the payload will never be accepted. */
export function classifyStatus(status: number): 'ok' | 'retry' | 'reject' {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'reject';
}

export async function postJson(url: string, body: string, options: PostOptions): Promise<DeliveryResult> {
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'radar-probe', ...options.headers },
      body,
      signal: options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs),
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const text = (await response.body.text()).slice(0, MAX_ERROR_BODY);
    const verdict = classifyStatus(response.statusCode);
    if (verdict === 'ok') return { ok: true, status: response.statusCode };
    return {
      ok: false,
      retryable: verdict === 'retry',
      status: response.statusCode,
      error: `HTTP ${response.statusCode}${text ? `: ${text.replace(/\s+/g, ' ').trim()}` : ''}`,
      retryAfterMs: retryAfterMs(response.headers['retry-after'], Date.now()),
    };
  } catch (err) {
    const message = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : errorMessage(err);
    return { ok: false, retryable: true, status: null, error: message, retryAfterMs: null };
  }
}
