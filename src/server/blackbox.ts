/**
 * blackbox_exporter's `/probe?target=…&module=…`, so an existing Prometheus blackbox scrape config (with its
 * relabelling) works unchanged: one HTTP probe now, answered in blackbox's metric names from a fresh registry.
 * Targets are restricted to the configured API's origin and `daemon.probeTargets` (scheme, host and port), POSTs to
 * `daemon.probePostTargets`: the daemon must be neither an open proxy nor a port scanner.
 */
import { Gauge, Registry } from 'prom-client';
import { endpointSchema } from '../model/settings/endpoint.js';
import type { Config } from '../config/schema.js';
import type { Runner } from '../runner/runner.js';
import { HTTP_PHASES, httpDataOf } from '../model/results.js';
import { originAllowed } from '../support/hosts.js';

const MODULES: Record<string, 'GET' | 'POST'> = { http_2xx: 'GET', http_post_2xx: 'POST' };
/** blackbox subtracts this from Prometheus' scrape timeout so the answer arrives before the scrape gives up */
const SCRAPE_OFFSET_MS = 500;
const MAX_IN_FLIGHT = 64;

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
  runner: Runner,
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
  const timeoutMs = Number.isFinite(scrapeMs) && scrapeMs > 0 ? Math.max(100, Math.min(config.timeout, scrapeMs - SCRAPE_OFFSET_MS)) : config.timeout;
  const endpoint = endpointSchema.parse({ name: 'blackbox', path: `${url.pathname}${url.search}`, method });
  inFlight++;
  let result;
  try {
    result = await runner.run({ name: 'blackbox', kind: 'http', params: { target: url.origin, endpoint }, timeoutMs });
  } finally {
    inFlight--;
  }
  const registry = new Registry();
  const gauge = (name: string, help: string, value: number): void => {
    new Gauge({ name, help, registers: [registry] }).set(value);
  };
  const data = httpDataOf(result);
  const phases = data?.phases;
  gauge('probe_success', 'Displays whether or not the probe was a success', result.status === 'pass' ? 1 : 0);
  gauge('probe_duration_seconds', 'Returns how long the probe took to complete in seconds', result.durationMs / 1000);
  gauge('probe_http_status_code', 'Response HTTP status code', data?.statusCode ?? 0);
  gauge('probe_http_content_length', 'Length of http content response', data?.bytes ?? 0);
  gauge('probe_http_ssl', 'Indicates if SSL was used for the final redirect', url.protocol === 'https:' ? 1 : 0);
  gauge('probe_dns_lookup_time_seconds', 'Returns the time taken for probe dns lookup in seconds', (phases?.resolve ?? 0) / 1000);
  const phase = new Gauge({
    name: 'probe_http_duration_seconds',
    help: 'Duration of http request by phase, summed over all redirects',
    labelNames: ['phase'],
    registers: [registry],
  });
  for (const name of HTTP_PHASES) phase.set({ phase: name }, (phases?.[name] ?? 0) / 1000);
  return { status: 200, contentType: registry.contentType, body: await registry.metrics() };
}
