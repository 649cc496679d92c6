/** A built-in stand-in for the DeepTech Radar API with switchable faults, for `probe demo`, tests and benches. */
import http from 'node:http';
import { Counter, Histogram, Registry } from 'prom-client';
import { UsageError, errorMessage, isProbeError } from '../model/errors.js';
import { listPapers, nearPapers, type ApiReply } from './data.js';
import { failsAt, formatFault, parseFault, type Fault } from './faults.js';

export interface SimulatedApi {
  readonly url: string;
  readonly port: number;
  fault(): Fault;
  setFault(f: Fault): void;
  /** API requests received (metrics and fault control are not counted) */
  requests(): number;
  close(): Promise<void>;
}

const ROUTES = new Map<string, (query: URLSearchParams, startedAt: number) => ApiReply>([
  [
    '/health',
    (_q, startedAt) => ({
      status: 200,
      body: { status: 'healthy', database: 'connected', version: '1.4.2', uptime_seconds: Math.floor((Date.now() - startedAt) / 1000) },
    }),
  ],
  ['/v1/papers', listPapers],
  ['/v1/papers/near', nearPapers],
]);
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const MAX_CONTROL_BODY = 4096;

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A JSON-looking body of `bytes`, written chunk by chunk as the client reads it (never held whole). */
function streamHugeBody(res: http.ServerResponse, bytes: number): void {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes });
  let left = bytes;
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (left === 0) {
        res.end(piece);
        return;
      }
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/** The reply as the route would send it, cut off halfway: valid headers, a body that does not parse. */
function sendTruncatedJson(res: http.ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(cut) });
  res.end(cut);
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_CONTROL_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_CONTROL_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Accepts `errors=0.3` as plain text or `{"fault":"errors=0.3"}`. */
function faultText(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'fault' in parsed) return String(parsed.fault);
  } catch {
    // not JSON: the body is the fault text itself
  }
  return body;
}

export async function startSimulatedApi(options: { port?: number; host?: string; fault?: Fault } = {}): Promise<SimulatedApi> {
  const host = options.host ?? '127.0.0.1';
  const startedAt = Date.now();
  let current: Fault = options.fault ?? { kind: 'none' };
  // requests seen under the current fault, per route: drives the errors=R spread. Per route, so that errors=0.3
  // means every endpoint fails 30 % of its requests, evenly; one shared count hands runs of consecutive failures
  // to one endpoint (probes in a fixed order) that read as that endpoint being down. Each route starts at its own
  // offset so the endpoints do not all fail in the same round either (that reads as an outage).
  let faultIndex = new Map<string, number>();
  const ROUTE_OFFSET = new Map([...ROUTES.keys(), 'unmatched'].map((path, i) => [path, i]));
  let received = 0;
  const pendingDelays = new Set<() => void>();

  const registry = new Registry();
  const requestsTotal = new Counter({
    name: 'api_requests_total',
    help: 'API requests answered, by route template and status',
    labelNames: ['method', 'endpoint', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'api_request_duration_seconds',
    help: 'API request duration, by route template',
    labelNames: ['method', 'endpoint'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  /** Resolves true after ms, or false if the response closed or the server is closing first. */
  function delay(ms: number, res: http.ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (fired: boolean): void => {
        clearTimeout(timer);
        pendingDelays.delete(cancel);
        res.off('close', cancel);
        resolve(fired);
      };
      const cancel = (): void => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      pendingDelays.add(cancel);
      res.once('close', cancel);
    });
  }

  async function serveApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    received++;
    const route = ROUTES.get(url.pathname);
    // Label values stay bounded: the route template, never the raw path or query.
    const endpoint = route ? url.pathname : 'unmatched';
    const method = KNOWN_METHODS.has(req.method ?? '') ? req.method! : 'OTHER';
    const stopTimer = duration.startTimer({ method, endpoint });
    res.once('finish', () => {
      stopTimer();
      requestsTotal.inc({ method, endpoint, status: String(res.statusCode) });
    });
    const fault = current;
    const n = faultIndex.get(endpoint) ?? ROUTE_OFFSET.get(endpoint) ?? 0;
    faultIndex.set(endpoint, n + 1);
    if (fault.kind === 'hang') return; // accepted, never answered: close() tears the socket down
    if (fault.kind === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (fault.kind === 'huge-body') return streamHugeBody(res, fault.bytes);
    if (fault.kind === 'outage') return sendJson(res, 503, { detail: 'Service Unavailable' });
    if (fault.kind === 'errors' && failsAt(n, fault.rate)) return sendJson(res, 500, { detail: 'Internal Server Error' });
    if (fault.kind === 'latency' && !(await delay(fault.ms, res))) return;
    if (fault.kind === 'near-fail' && endpoint === '/v1/papers/near') {
      return sendJson(res, 500, { detail: 'OpenAI API error: 503 Service Unavailable' });
    }
    if (fault.kind === 'api-fail' && endpoint !== '/health') return sendJson(res, 500, { detail: 'Internal Server Error' });
    if (!route) return sendJson(res, 404, { detail: 'Not Found' });
    if (req.method !== 'GET') return sendJson(res, 405, { detail: 'Method Not Allowed' });
    const reply = route(url.searchParams, startedAt);
    if (fault.kind === 'invalid-json') return sendTruncatedJson(res, reply.body);
    sendJson(res, reply.status, reply.body);
  }

  async function serveControl(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method === 'GET') return sendJson(res, 200, { fault: formatFault(current) });
    if (req.method !== 'PUT' && req.method !== 'POST') return sendJson(res, 405, { detail: 'Method Not Allowed' });
    const body = await readBody(req);
    if (body === null) return sendJson(res, 413, { detail: `fault: body larger than ${MAX_CONTROL_BODY} bytes` });
    try {
      api.setFault(parseFault(faultText(body)));
    } catch (err) {
      const code = isProbeError(err) ? err.code : 'RP_ERR_USAGE';
      return sendJson(res, 400, { detail: errorMessage(err), code });
    }
    sendJson(res, 200, { fault: formatFault(current) });
  }

  async function serveMetrics(res: http.ServerResponse): Promise<void> {
    const text = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(text);
  }

  const server = http.createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendJson(res, 400, { detail: 'Bad Request' });
    }
    const served = url.pathname === '/metrics' ? serveMetrics(res) : url.pathname === '/__fault' ? serveControl(req, res) : serveApi(req, res, url);
    served.catch(() => sendJson(res, 500, { detail: 'Internal Server Error' }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new UsageError('RP_ERR_USAGE', `demo API: cannot listen on ${host}:${options.port ?? 0}: ${errorMessage(err)}`)),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const api: SimulatedApi = {
    url: `http://${urlHost}:${port}`,
    port,
    fault: () => current,
    setFault(f) {
      current = f;
      faultIndex = new Map();
    },
    requests: () => received,
    close() {
      for (const cancel of [...pendingDelays]) cancel();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
  return api;
}
