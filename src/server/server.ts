/** The daemon's HTTP surface on daemon.port: metrics, health, results, blackbox-style /probe, incidents, status page. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError, errorMessage } from '../model/errors.js';
import type { IncidentManager } from '../incidents/manager.js';
import { handleIncidentApi } from './incidents-api.js';
import { handleLoadRunsApi, type LoadRunsRoute } from './load-runs-api.js';
import { handleHistoryApi, type HistorySource } from './history-api.js';
import type { Logger } from '../support/log.js';
import { http } from '../support/node-http.js';
import type { BlackboxAnswer } from './blackbox.js';
import type { HealthVerdict } from './health.js';
import { applySecurityHeaders } from './headers.js';
import { acceptsGzip, gzipText } from './compress.js';
import { STATUS_ASSETS, type StaticAsset } from './status-page.js';

export interface DaemonSurface {
  metrics(): Promise<{ contentType: string; text: string }>;
  /** GET /healthz: 503 when the evaluation loop is wedged */
  liveness(): HealthVerdict;
  /** GET /readyz */
  readiness(): HealthVerdict;
  /** JSON-ready and already redacted */
  results(): unknown;
  report(): unknown;
  statusPage(): string;
  /** GET /api/status: JSON-ready and already redacted */
  status(): unknown;
  blackbox(query: URLSearchParams, scrapeTimeout: string | undefined): Promise<BlackboxAnswer>;
  incidents(): IncidentManager | undefined;
  /** sharded load runs posting their shards (absent: the API answers 404) */
  loadRuns?(): LoadRunsRoute;
  /** what /api/uptime, /api/history and the badges read */
  history(): HistorySource;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown): void =>
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(body, null, 2)}\n`);
const plain = (res: ServerResponse, status: number, body: string): void => send(res, status, 'text/plain; charset=utf-8', `${body}\n`);

/** The page links its assets with `?v=<etag>`: that URL never changes content, so browsers may keep it; any other asks again. */
function sendAsset(req: IncomingMessage, res: ServerResponse, url: URL, asset: StaticAsset): void {
  const pinned = url.searchParams.get('v') === asset.etag.slice(1, -1);
  res.setHeader('cache-control', pinned ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.setHeader('etag', asset.etag);
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304);
    res.end();
    return;
  }
  send(res, 200, asset.contentType, asset.body);
}

async function route(surface: DaemonSurface, req: IncomingMessage, res: ServerResponse, url: URL, log: Logger): Promise<void> {
  const manager = surface.incidents();
  if (url.pathname.startsWith('/api/incidents') || url.pathname.startsWith('/api/maintenance') || url.pathname.startsWith('/api/deliveries')) {
    if (manager && (await handleIncidentApi(manager, req, res, url, log))) return;
    return json(res, 404, {
      error: { code: 'RP_ERR_USAGE', message: manager ? `no such path ${url.pathname}` : 'incident tracking is not running' },
    });
  }
  if (url.pathname.startsWith('/api/load-runs') && surface.loadRuns) {
    if (await handleLoadRunsApi(surface.loadRuns(), req, res, url, log)) return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return plain(res, 405, `${req.method ?? ''} not allowed; use GET`);
  }
  if (handleHistoryApi(() => surface.history(), req, res, url)) return;
  switch (url.pathname) {
    case '/metrics': {
      const { contentType, text } = await surface.metrics();
      if (!acceptsGzip(req.headers['accept-encoding'])) return send(res, 200, contentType, text, { vary: 'accept-encoding' });
      return send(res, 200, contentType, await gzipText(text), { vary: 'accept-encoding', 'content-encoding': 'gzip' });
    }
    case '/healthz': {
      const { status, text } = surface.liveness();
      return plain(res, status, text);
    }
    case '/readyz': {
      const { status, text } = surface.readiness();
      return plain(res, status, text);
    }
    case '/api/results':
      return json(res, 200, surface.results());
    case '/api/report':
      return surface.report() === null
        ? json(res, 503, { error: { code: 'RP_ERR_USAGE', message: 'no evaluation yet' } })
        : json(res, 200, surface.report());
    case '/probe': {
      const answer = await surface.blackbox(url.searchParams, req.headers['x-prometheus-scrape-timeout-seconds'] as string | undefined);
      return send(res, answer.status, answer.contentType, answer.body);
    }
    case '/':
      return send(res, 200, 'text/html; charset=utf-8', surface.statusPage());
    case '/api/status':
      return json(res, 200, surface.status());
    default: {
      const asset = STATUS_ASSETS.get(url.pathname);
      if (asset) return sendAsset(req, res, url, asset);
      return plain(
        res,
        404,
        `no such path ${url.pathname} (try /, /metrics, /healthz, /readyz, /api/status, /api/results, /api/incidents, /api/load-runs, /api/uptime, /api/history, /probe)`,
      );
    }
  }
}

export async function startServer(surface: DaemonSurface, options: { host: string; port: number; log: Logger }): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    applySecurityHeaders(res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://daemon');
    } catch {
      return plain(res, 400, 'bad request target');
    }
    route(surface, req, res, url, options.log).catch((err: unknown) => {
      options.log.error({ err: errorMessage(err), path: url.pathname, code: 'RP_ERR_INTERNAL' }, 'request failed');
      json(res, 500, { error: { code: 'RP_ERR_INTERNAL', message: 'internal error; see the daemon log' } });
    });
  });
  server.keepAliveTimeout = 65_000; // longer than Prometheus' idle timeout, so scrapes reuse connections
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new UsageError('RP_ERR_USAGE', `daemon.port: cannot listen on ${options.host}:${options.port}: ${errorMessage(err)}`)),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost =
    options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
