/** Prometheus HTTP API GETs: `{status:"success",data}` or a coded error; never throws. */
import { ERROR_CODES, type ErrorInfo } from '../../src/model/errors.js';
import type { HttpResources } from '../../src/clients/http-agent.js';
import { exchange } from '../../src/clients/exchange.js';

export type PromAnswer = { ok: true; data: unknown } | { ok: false; error: ErrorInfo };

export interface PromServer {
  /** base URL without credentials, path prefix kept (e.g. http://host/prometheus) */
  base: string;
  headers: Record<string, string>;
}

/** Accepts `http://user:pass@host/prefix`: the credentials become a Basic header and leave the URL. */
export function promServer(url: string): PromServer | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  const headers: Record<string, string> = { 'user-agent': 'radar-probe', accept: 'application/json' };
  if (parsed.username || parsed.password) {
    const pair = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
  }
  return { base: `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`, headers };
}

export interface PromRequest {
  server: PromServer;
  path: string;
  params?: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  http: HttpResources;
}

export async function promGet(req: PromRequest): Promise<PromAnswer> {
  const url = new URL(`${req.server.base}${req.path}`);
  for (const [k, v] of Object.entries(req.params ?? {})) url.searchParams.set(k, v);
  const ex = await exchange({ url, headers: req.server.headers, timeoutMs: req.timeoutMs, signal: req.signal, http: req.http });
  const where = `Prometheus at ${url.origin}`;
  if (ex.transportError) {
    if (ex.transportError.code === 'RP_ERR_PROBE_ABORTED') return { ok: false, error: ex.transportError };
    return {
      ok: false,
      error: {
        code: 'RP_ERR_PROM_UNREACHABLE',
        message: `${where}: ${ERROR_CODES[ex.transportError.code]} (${ex.transportError.code}: ${ex.transportError.message})`,
      },
    };
  }
  let doc: { status?: unknown; data?: unknown; errorType?: unknown; error?: unknown } | undefined;
  try {
    doc = JSON.parse(ex.body) as typeof doc;
  } catch {
    doc = undefined;
  }
  if (doc?.status === 'success') return { ok: true, data: doc.data };
  if (doc?.status === 'error') {
    // bad_data (400), execution (422), timeout (503), ...: the expression or its evaluation is the problem
    return {
      ok: false,
      error: { code: 'RP_ERR_PROM_QUERY', message: `${String(doc.errorType ?? 'error')}: ${String(doc.error ?? 'no error text')}`.slice(0, 500) },
    };
  }
  return {
    ok: false,
    error: {
      code: 'RP_ERR_PROM_UNREACHABLE',
      message: `${where} answered ${ex.status} without a Prometheus API document on ${url.pathname} (is prometheus.url the server's base URL, and is it ready?)`,
    },
  };
}
