/**
 * blackbox_exporter's `/probe?target=…&module=…`, so an existing Prometheus blackbox scrape config (with its
 * relabelling) works unchanged: one request of the HTTP probe (its transport, phases and checks), answered in
 * blackbox's families. Per request only the request itself: the endpoint's settings are validated once at import,
 * the connection pool is the daemon's, the answer is written as text (see blackbox-families.ts).
 * Targets are restricted to the configured API's origin and `daemon.probeTargets` (scheme, host and port), POSTs to
 * `daemon.probePostTargets`: the daemon must be neither an open proxy nor a port scanner.
 */
import { performance } from 'node:perf_hooks';
import { endpointSchema, type EndpointConfig } from '../model/settings/endpoint.js';
import type { Config } from '../config/schema.js';
import type { HttpResources } from '../clients/http-agent.js';
import { sampleOnce } from '../../probes/http/request.js';
import { originAllowed } from '../support/hosts.js';
import { blackboxFamilies } from './blackbox-families.js';

const MODULES: Record<string, 'GET' | 'POST'> = { http_2xx: 'GET', http_post_2xx: 'POST' };
/** blackbox subtracts this from Prometheus' scrape timeout so the answer arrives before the scrape gives up */
const SCRAPE_OFFSET_MS = 500;
const MAX_IN_FLIGHT = 64;
/** the endpoint settings every blackbox request shares (defaults: expect 2xx), validated once */
const ENDPOINT: EndpointConfig = endpointSchema.parse({ name: 'blackbox', path: '/' });
const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';

export interface BlackboxAnswer {
  status: number;
  contentType: string;
  body: string;
}

const text = (status: number, body: string): BlackboxAnswer => ({ status, contentType: 'text/plain; charset=utf-8', body: `${body}\n` });

/** The configured target's origin and daemon.probeTargets; POSTs only to what daemon.probePostTargets names. */
function refusal(url: URL, method: 'GET' | 'POST', config: Config): string | null {
  const own = new URL(config.target).origin;
  if (method === 'POST') {
    const verdict = originAllowed(url, config.daemon.probePostTargets);
    return verdict.ok ? null : `module http_post_2xx sends a POST: ${verdict.reason}; list the origin in daemon.probePostTargets to allow it`;
  }
  const verdict = originAllowed(url, [own, ...config.daemon.probeTargets]);
  return verdict.ok ? null : `Target is not allowed: ${verdict.reason} (the configured target ${own} and daemon.probeTargets)`;
}

function parseTarget(raw: string): URL | null {
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

let inFlight = 0;

export async function blackboxProbe(
  query: URLSearchParams,
  scrapeTimeoutHeader: string | undefined,
  config: Config,
  http: HttpResources,
): Promise<BlackboxAnswer> {
  const moduleName = query.get('module') || 'http_2xx';
  const method = MODULES[moduleName];
  if (!method) return text(400, `Unknown module "${moduleName.slice(0, 60)}" (this daemon offers: ${Object.keys(MODULES).join(', ')})`);
  const raw = query.get('target');
  if (!raw) return text(400, 'Target parameter is missing');
  const url = parseTarget(raw);
  if (!url) return text(400, 'Target must be an http(s) URL or host:port');
  const refused = refusal(url, method, config);
  if (refused) return text(403, refused);
  if (inFlight >= MAX_IN_FLIGHT) return text(429, 'Too many probes in flight');
  const scrapeMs = Number(scrapeTimeoutHeader) * 1000;
  const timeoutMs = Math.round(
    Number.isFinite(scrapeMs) && scrapeMs > 0 ? Math.max(100, Math.min(config.timeout, scrapeMs - SCRAPE_OFFSET_MS)) : config.timeout,
  );
  const caFile = config.daemon.probeCaFile;
  const endpoint: EndpointConfig = {
    ...ENDPOINT,
    path: `${url.pathname}${url.search}`,
    method,
    ...(caFile ? { tls: { ...ENDPOINT.tls, caFile } } : {}),
  };
  inFlight++;
  const started = performance.now();
  // a timer cleared with the answer: AbortSignal.timeout's would stay armed for the whole timeout, one per probe
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException('probe timeout', 'TimeoutError')), timeoutMs);
  try {
    const sample = await sampleOnce({ url, endpoint, signal: deadline.signal, timeoutMs, http });
    const body = blackboxFamilies({
      success: sample.ok,
      durationMs: performance.now() - started,
      https: url.protocol === 'https:',
      statusCode: sample.status,
      contentLength: sample.contentLength,
      bodyBytes: sample.bytes,
      phases: sample.phases,
      connection: sample.connection,
    });
    return { status: 200, contentType: EXPOSITION, body };
  } finally {
    clearTimeout(timer);
    inFlight--;
  }
}
