/**
 * The read-only history API: GET /api/uptime, GET /api/history?probe=&range=, and the badges
 * GET /api/badges/{probe}/uptime/{range}.svg and /api/badges/{probe}/response-time/{range}.svg. See docs/status-api.md.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { historyPoints, isRange, rangeTotal, RANGES, uptimeSummary, type RangeName } from '../history/queries.js';
import type { ProbeRecord } from '../history/reader.js';
import type { HistoryStore } from '../history/store.js';
import type { ProbeStatus } from '../model/types.js';
import { badgeSvg, responseTimeColour, uptimeColour } from './badge.js';

export interface HistorySource {
  service: string;
  /** undefined: history is off or could not be opened */
  store: HistoryStore | undefined;
  /** the configured probes in plan order, with their latest status */
  probes: { probe: string; kind: string; current: ProbeStatus | null }[];
}

type Answer = { status: number; type: string; body: string; headers?: Record<string, string> };

const json = (status: number, body: unknown): Answer => ({
  status,
  type: 'application/json; charset=utf-8',
  body: `${JSON.stringify(body, null, 2)}\n`,
});
const problem = (status: number, code: string, message: string): Answer => json(status, { error: { code, message } });

const BADGE = /^\/api\/badges\/([^/]+)\/(uptime|response-time)\/([^/]+)\.svg$/;

/** Answers a history path and returns true; false when the path is not one of these. */
export function handleHistoryApi(source: () => HistorySource, req: IncomingMessage, res: ServerResponse, url: URL): boolean {
  const path = url.pathname;
  const badge = BADGE.exec(path);
  if (path !== '/api/uptime' && path !== '/api/history' && !badge && !path.startsWith('/api/badges/')) return false;
  const answer = answerOrDamaged(source(), path, url.searchParams, badge);
  const notModified = answer.status === 200 && answer.headers?.['etag'] !== undefined && req.headers['if-none-match'] === answer.headers['etag'];
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  if (notModified) {
    res.writeHead(304);
    res.end();
    return true;
  }
  res.writeHead(answer.status, { 'content-type': answer.type, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
  return true;
}

/** a damaged history file is moved aside by the daemon (and a new one started); the read that found it says so */
function answerOrDamaged(src: HistorySource, path: string, query: URLSearchParams, badge: RegExpExecArray | null): Answer {
  try {
    return answerFor(src, path, query, badge);
  } catch (err) {
    if (!src.store?.readFailed(err)) throw err;
    return problem(503, 'RP_ERR_HISTORY_OPEN', 'the history file was found damaged: it is moved aside and a new history starts; see the daemon log');
  }
}

function answerFor(src: HistorySource, path: string, query: URLSearchParams, badge: RegExpExecArray | null): Answer {
  const store = src.store;
  if (!store) return problem(503, 'RP_ERR_HISTORY_OPEN', 'history is off (history.enabled) or could not be opened; see the daemon log');
  if (path === '/api/uptime') {
    const summary = uptimeSummary(store, src.probes);
    return json(200, { service: src.service, generatedAt: new Date(store.now()).toISOString(), ranges: RANGES, ...summary });
  }
  if (path === '/api/history') {
    const range = query.get('range') ?? '24h';
    if (!isRange(range)) return problem(400, 'RP_ERR_API_REQUEST', `range: expected one of ${RANGES.join(', ')}, got ${JSON.stringify(range)}`);
    const name = query.get('probe') ?? '';
    const probe = name === '' ? null : find(src, store, name);
    if (probe === undefined) return problem(404, 'RP_ERR_API_REQUEST', `no probe named ${JSON.stringify(name)}`);
    const bucketSeconds = range === '24h' ? 3_600 : 86_400;
    return json(200, { probe: name, range, bucketSeconds, points: historyPoints(store, probe, range) });
  }
  if (!badge) return problem(404, 'RP_ERR_API_REQUEST', `no such badge ${path}: use /api/badges/{probe}/uptime|response-time/{range}.svg`);
  const [, rawName = '', what, range = ''] = badge;
  let name: string;
  try {
    name = decodeURIComponent(rawName);
  } catch {
    return problem(400, 'RP_ERR_API_REQUEST', 'probe: bad percent-encoding');
  }
  if (!isRange(range)) return problem(400, 'RP_ERR_API_REQUEST', `range: expected one of ${RANGES.join(', ')}`);
  const probe = find(src, store, name);
  if (probe === undefined) return problem(404, 'RP_ERR_API_REQUEST', `no probe named ${JSON.stringify(name)}`);
  return badgeAnswer(name, what === 'uptime' ? 'uptime' : 'response-time', rangeTotal(store, probe, range), range);
}

/** a configured probe or one the history remembers; a configured probe without results yet has an empty series */
function find(src: HistorySource, store: HistoryStore, name: string): ProbeRecord | undefined {
  const known = store
    .read()
    .probes()
    .find((p) => p.name === name);
  if (known) return known;
  const configured = src.probes.find((p) => p.probe === name);
  return configured ? { id: -1, name, kind: configured.kind } : undefined;
}

function badgeAnswer(name: string, what: 'uptime' | 'response-time', total: ReturnType<typeof rangeTotal>, range: RangeName): Answer {
  let label: string;
  let value: string;
  let colour: string;
  if (what === 'uptime') {
    const uptime = total.uptime();
    [label, value, colour] = [`uptime ${range}`, uptime === null ? 'no data' : `${formatPercent(uptime)}%`, uptimeColour(uptime)];
  } else {
    const p95 = total.latency.quantile(0.95);
    [label, value, colour] = [`response time ${range}`, p95 === null ? 'no data' : `${Math.round(p95)} ms`, responseTimeColour(p95)];
  }
  const body = badgeSvg(label, value, colour, `${name}: ${label} ${value}${what === 'response-time' ? ' (p95)' : ''}`);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { status: 200, type: 'image/svg+xml; charset=utf-8', body, headers: { 'cache-control': 'public, max-age=60', etag } };
}

/** 100 only when nothing failed; otherwise at most 99.99, so one failure in 100,000 never reads as 100% */
export function formatPercent(percent: number): string {
  if (percent >= 100) return '100';
  const shown = Math.floor(percent * 100) / 100;
  return shown.toFixed(2);
}
