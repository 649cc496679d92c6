/**
 * Local stand-ins for OpenAI and GitHub that answer with the providers' real response shapes and headers
 * (OpenAI `GET /v1/models` and its error document; GitHub `GET /rate_limit`, its x-ratelimit-* headers and its
 * rate-limit / bad-credentials documents), with a switchable mode.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ExternalProbeParams } from '../../probes/external/index.js';
import { runProbe, type ProbeKind, type ProbeMemory, type ProbeOutcome } from '../../probes/types.js';
import type { Config } from '../../src/config/schema.js';
import { testContext } from './context.js';

export type ProviderMode =
  | 'ok'
  | 'low' // GitHub: 2 % of the core quota left
  | 'exhausted' // GitHub: /rate_limit answers 200 with core remaining 0
  | '5xx'
  | '429'
  | '401'
  | '403' // a forbidden that is NOT a rate limit
  | 'ratelimited' // GitHub: 403 with x-ratelimit-remaining: 0
  | 'secondary' // GitHub: 403 secondary rate limit with retry-after
  | 'leak' // a misbehaving proxy that echoes the Authorization header in its error text
  | 'notjson' // a captive portal answering 200 HTML
  | 'hang'; // accepts the request, never answers

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface ProviderStandIn {
  /** the base URL to configure (OpenAI: ends in /v1, like OPENAI_BASE_URL) */
  baseUrl: string;
  port: number;
  mode: ProviderMode;
  /** epoch seconds the rate-limit window resets at */
  resetAt: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Reply = { status: number; headers?: Record<string, string>; body: unknown } | 'hang';

function send(res: http.ServerResponse, reply: Exclude<Reply, 'hang'>): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const type = typeof reply.body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8';
  res.writeHead(reply.status, { 'content-type': type, 'content-length': String(Buffer.byteLength(text)), ...reply.headers });
  res.end(text);
}

async function start(route: string, basePath: string, answer: (s: ProviderStandIn, req: http.IncomingMessage) => Reply): Promise<ProviderStandIn> {
  const server = http.createServer((req, res) => {
    stand.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    if (req.url?.split('?')[0] !== route)
      return send(res, { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } });
    const reply = answer(stand, req);
    if (reply !== 'hang') send(res, reply);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const stand: ProviderStandIn = {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    port,
    mode: 'ok',
    resetAt: Math.floor(Date.now() / 1000) + 1800,
    requests: [],
    close: () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      return closed;
    },
  };
  return stand;
}

const openAiError = (message: string, type: string, code: string | null): unknown => ({ error: { message, type, param: null, code } });

/** OpenAI masks a wrong key as its first 3 and last 4 characters. */
const maskKey = (key: string): string => (key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(12)}${key.slice(-4)}` : '***');

export function startOpenAiStandIn(): Promise<ProviderStandIn> {
  return start('/v1/models', '/v1', (s, req) => {
    const common = { 'openai-version': '2020-10-01', 'x-request-id': 'req_7f3c1e0b5a2d4c6e8f9a0b1c2d3e4f5a', 'openai-processing-ms': '42' };
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    switch (s.mode) {
      case 'hang':
        return 'hang';
      case '5xx':
        return { status: 503, headers: common, body: openAiError('The server is overloaded or not ready yet.', 'server_error', null) };
      case '429':
        return {
          status: 429,
          headers: {
            ...common,
            'x-ratelimit-limit-requests': '500',
            'x-ratelimit-remaining-requests': '0',
            'x-ratelimit-reset-requests': '20s',
            'x-ratelimit-limit-tokens': '30000',
            'x-ratelimit-remaining-tokens': '29000',
            'x-ratelimit-reset-tokens': '2s',
          },
          body: openAiError('Rate limit reached for requests. Limit: 500 / min. Please try again in 20s.', 'requests', 'rate_limit_exceeded'),
        };
      case '401':
        return key
          ? {
              status: 401,
              headers: common,
              body: openAiError(
                `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
                'invalid_request_error',
                'invalid_api_key',
              ),
            }
          : {
              status: 401,
              headers: common,
              body: openAiError(
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                'invalid_request_error',
                null,
              ),
            };
      case 'leak':
        return {
          status: 401,
          headers: common,
          body: openAiError(
            `Incorrect API key provided: ${key}. Header was: ${req.headers.authorization ?? ''}`,
            'invalid_request_error',
            'invalid_api_key',
          ),
        };
      case '403':
        return {
          status: 403,
          headers: common,
          body: openAiError('Country, region, or territory not supported', 'request_forbidden', 'unsupported_country_region_territory'),
        };
      case 'notjson':
        return { status: 200, body: '<html><body>Please sign in to the guest network</body></html>' };
      default:
        return {
          status: 200,
          headers: common,
          body: {
            object: 'list',
            data: [
              { id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'system' },
              { id: 'text-embedding-3-small', object: 'model', created: 1705948997, owned_by: 'system' },
            ],
          },
        };
    }
  });
}

function rateHeaders(limit: number, remaining: number, reset: number, resource = 'core'): Record<string, string> {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-used': String(limit - remaining),
    'x-ratelimit-reset': String(reset),
    'x-ratelimit-resource': resource,
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': 'C0DE:1F2E:3D4C5B:6A7980:65A1B2C3',
  };
}

function rateLimitDoc(limit: number, remaining: number, reset: number): unknown {
  const core = { limit, used: limit - remaining, remaining, reset };
  const other = (l: number): unknown => ({ limit: l, used: 0, remaining: l, reset });
  return {
    resources: {
      core,
      search: other(30),
      graphql: other(limit),
      integration_manifest: other(5000),
      code_search: other(10),
      source_import: other(100),
      code_scanning_upload: other(1000),
      actions_runner_registration: other(10000),
      scim: other(15000),
      dependency_snapshots: other(100),
    },
    rate: core,
  };
}

export function startGitHubStandIn(): Promise<ProviderStandIn> {
  return start('/rate_limit', '', (s, req) => {
    const limit = req.headers.authorization ? 5000 : 60;
    const docs = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';
    switch (s.mode) {
      case 'hang':
        return 'hang';
      case 'low':
        return {
          status: 200,
          headers: rateHeaders(limit, Math.floor(limit * 0.02), s.resetAt),
          body: rateLimitDoc(limit, Math.floor(limit * 0.02), s.resetAt),
        };
      case 'exhausted':
        return { status: 200, headers: rateHeaders(limit, 0, s.resetAt), body: rateLimitDoc(limit, 0, s.resetAt) };
      case 'ratelimited':
        return {
          status: 403,
          headers: rateHeaders(limit, 0, s.resetAt),
          body: {
            message: `API rate limit exceeded for ${req.headers.authorization ? 'user ID 583231' : '203.0.113.7'}. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)`,
            documentation_url: `${docs}#about-primary-rate-limits`,
          },
        };
      case 'secondary':
      case '429':
        return {
          status: s.mode === '429' ? 429 : 403,
          headers: { ...rateHeaders(limit, limit - 10, s.resetAt), 'retry-after': '60' },
          body: {
            message:
              'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID C0DE:1F2E.',
            documentation_url: `${docs}#about-secondary-rate-limits`,
          },
        };
      case '401':
      case 'leak':
        return {
          status: 401,
          body: {
            message: s.mode === 'leak' ? `Bad credentials: ${req.headers.authorization ?? ''}` : 'Bad credentials',
            documentation_url: 'https://docs.github.com/rest',
            status: '401',
          },
        };
      case '403':
        return {
          status: 403,
          headers: rateHeaders(limit, limit - 1, s.resetAt),
          body: {
            message: 'Resource not accessible by personal access token',
            documentation_url: 'https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user',
            status: '403',
          },
        };
      case '5xx':
        return {
          status: 503,
          body: '<!DOCTYPE html><html><head><title>Unicorn! · GitHub</title></head><body><p>No server is currently available to service your request.</p></body></html>',
        };
      case 'notjson':
        return { status: 200, body: '<html><body>Please sign in to the guest network</body></html>' };
      default:
        return { status: 200, headers: rateHeaders(limit, limit - 1, s.resetAt), body: rateLimitDoc(limit, limit - 1, s.resetAt) };
    }
  });
}

/** Runs one external probe with a fresh context (or a shared memory, as the daemon does between runs). */
export async function runExternalProbe(
  probe: ProbeKind<ExternalProbeParams>,
  config: Config,
  dependency: string,
  options: { memory?: ProbeMemory; timeoutMs?: number; log?: Logger; signal?: AbortSignal } = {},
): Promise<ProbeOutcome> {
  const base = testContext(config, { timeoutMs: options.timeoutMs ?? 5_000, ...(options.signal ? { signal: options.signal } : {}) });
  const ctx = { ...base, memory: options.memory ?? base.memory, log: options.log ?? base.log };
  try {
    return await runProbe(probe, { dependency }, ctx);
  } finally {
    await base.close();
  }
}

export function seriesValue(outcome: ProbeOutcome, name: string, labels: Record<string, string> = {}): number | undefined {
  return outcome.series?.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels?.[k] === v))?.value;
}
