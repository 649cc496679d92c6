import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import type { HistorySource } from '../../src/server/history-api.js';
import { startServer, type DaemonSurface, type RunningServer } from '../../src/server/server.js';
import { HOUR_MS, MINUTE_MS } from '../../src/history/types.js';
import { silentLogger } from '../../src/support/log.js';
import { openTestStore, sample, T0, type TestStore } from '../history/helpers.js';
import { parseXml } from '../helpers/xml.js';

const HOSTILE = `<script>alert(1)</script>"><img src=x onerror=alert(1)>`;

function surfaceFor(history: () => HistorySource): DaemonSurface {
  const unused = (): never => {
    throw new Error('not used by these tests');
  };
  return {
    metrics: unused,
    liveness: unused,
    readiness: unused,
    results: unused,
    report: unused,
    statusPage: unused,
    status: unused,
    blackbox: unused,
    incidents: () => undefined,
    history,
  };
}

describe('history API over HTTP', () => {
  let t: TestStore;
  let server: RunningServer;
  let enabled = true;
  const probes: HistorySource['probes'] = [
    { probe: 'health', kind: 'http', current: 'pass' },
    { probe: HOSTILE, kind: 'http', current: 'fail' },
    { probe: 'configured-only', kind: 'postgres', current: null },
  ];

  before(async () => {
    t = openTestStore();
    const hour = Math.floor(T0 / HOUR_MS) * HOUR_MS;
    // health: 3 failures in 200 over the last two hours; the hostile name: 1 in 4
    for (let i = 0; i < 200; i++) t.store.record(sample('health', hour - HOUR_MS + i * 30_000, i % 70 === 5 ? 'fail' : 'pass', 20 + (i % 10)));
    for (let i = 0; i < 4; i++) t.store.record(sample(HOSTILE, hour + i * MINUTE_MS, i === 0 ? 'error' : 'pass', 900));
    t.store.severity(hour - HOUR_MS + 5 * MINUTE_MS, 'P3');
    t.store.severity(hour + MINUTE_MS, 'P0');
    const history = (): HistorySource => ({ service: 'Demo <API>', store: enabled ? t.store : undefined, probes });
    server = await startServer(surfaceFor(history), { host: '127.0.0.1', port: 0, log: silentLogger() });
  });
  after(async () => {
    await server.close();
    await t.remove();
  });

  const get = async (path: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' | 'POST' = 'GET') => {
    const res = await request(`${server.url}${path}`, { method, headers });
    const text = await res.body.text();
    return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };

  test('/api/uptime: every configured probe, its current state, uptime per range and 24 h percentiles', async () => {
    const res = await get('/api/uptime');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const body = res.json() as { service: string; ranges: string[]; overall: Record<string, number>; probes: Record<string, unknown>[] };
    assert.equal(body.service, 'Demo <API>', 'JSON carries the name as plain text');
    assert.deepEqual(body.ranges, ['24h', '7d', '30d', '90d']);
    assert.deepEqual(body.overall, { '24h': 98.039, '7d': 98.039, '30d': 98.039, '90d': 98.039 });
    const [health, hostile, configured] = body.probes;
    assert.deepEqual(health?.['uptime'], { '24h': 98.5, '7d': 98.5, '30d': 98.5, '90d': 98.5 });
    assert.equal(health?.['current'], 'pass');
    assert.ok(Math.abs(Number(health?.['p50Ms']) - 24) / 24 < 0.045, `p50 ${String(health?.['p50Ms'])}`);
    assert.ok(Math.abs(Number(health?.['p95Ms']) - 29) / 29 < 0.045, `p95 ${String(health?.['p95Ms'])}`);
    assert.equal(hostile?.['probe'], HOSTILE);
    assert.deepEqual(configured, {
      probe: 'configured-only',
      kind: 'postgres',
      current: null,
      uptime: { '24h': null, '7d': null, '30d': null, '90d': null },
      p50Ms: null,
      p95Ms: null,
    });
  });

  test('/api/history: one point per bucket, the worst service severity per bucket, the service series without probe', async () => {
    const res = await get('/api/history?probe=health&range=24h');
    assert.equal(res.status, 200);
    const body = res.json() as { probe: string; range: string; bucketSeconds: number; points: Record<string, unknown>[] };
    assert.deepEqual([body.probe, body.range, body.bucketSeconds, body.points.length], ['health', '24h', 3600, 24]);
    const [previous, current] = body.points.slice(-2);
    assert.deepEqual([previous?.['count'], previous?.['failures'], previous?.['worst']], [120, 2, 'P3']);
    assert.deepEqual([current?.['count'], current?.['failures'], current?.['worst']], [80, 1, 'P0']);
    assert.equal(body.points[0]?.['uptime'], null);
    const week = (await get('/api/history?range=7d')).json() as { probe: string; bucketSeconds: number; points: { count: number }[] };
    assert.deepEqual([week.probe, week.bucketSeconds, week.points.length, week.points.at(-1)?.count], ['', 86_400, 7, 204]);
    const hostile = await get(`/api/history?probe=${encodeURIComponent(HOSTILE)}&range=90d`);
    assert.equal((hostile.json() as { points: unknown[] }).points.length, 90);
  });

  test('unknown probe 404, bad range 400, writes 405, history off 503: all JSON with a code', async () => {
    const unknown = await get('/api/history?probe=nope');
    assert.equal(unknown.status, 404);
    assert.equal((unknown.json()['error'] as { code: string }).code, 'RP_ERR_API_REQUEST');
    const badRange = await get('/api/history?probe=health&range=1y');
    assert.equal(badRange.status, 400);
    assert.match((badRange.json()['error'] as { message: string }).message, /24h, 7d, 30d, 90d/);
    assert.equal((await get('/api/badges/nope/uptime/24h.svg')).status, 404);
    assert.equal((await get('/api/badges/health/uptime/1y.svg')).status, 400);
    assert.equal((await get('/api/badges/health/latency/24h.svg')).status, 404);
    assert.equal((await get('/api/uptime', {}, 'POST')).status, 405);
    enabled = false;
    try {
      const off = await get('/api/uptime');
      assert.equal(off.status, 503);
      assert.equal((off.json()['error'] as { code: string }).code, 'RP_ERR_HISTORY_OPEN');
    } finally {
      enabled = true;
    }
  });

  test('badges are well-formed SVG showing the figure of /api/uptime, cacheable with an ETag', async () => {
    const uptime = (await get('/api/uptime')).json() as { probes: { uptime: Record<string, number>; p95Ms: number }[] };
    const res = await get('/api/badges/health/uptime/24h.svg');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'image/svg+xml; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'public, max-age=60');
    const etag = String(res.headers['etag']);
    assert.match(etag, /^"[\w-]+"$/);
    const elements = parseXml(res.text);
    assert.equal(elements[0]?.name, 'svg');
    const texts = elements.filter((e) => e.name === 'text').map((e) => e.text);
    assert.deepEqual(texts, ['uptime 24h', `${uptime.probes[0]?.uptime['24h'].toFixed(2)}%`]);
    assert.equal(elements.find((e) => e.name === 'rect' && e.attributes['x'])?.attributes['fill'], '#40cc11');
    const again = await get('/api/badges/health/uptime/24h.svg', { 'if-none-match': etag });
    assert.deepEqual([again.status, again.text], [304, '']);
    const head = await get('/api/badges/health/uptime/24h.svg', {}, 'HEAD');
    assert.deepEqual([head.status, head.text, head.headers['etag']], [200, '', etag]);
    const time = parseXml((await get('/api/badges/health/response-time/24h.svg')).text);
    assert.equal(time.filter((e) => e.name === 'text')[1]?.text, `${Math.round(uptime.probes[0]?.p95Ms ?? 0)} ms`);
    const empty = parseXml((await get('/api/badges/configured-only/uptime/7d.svg')).text);
    assert.equal(empty.filter((e) => e.name === 'text')[1]?.text, 'no data');
  });

  test('a hostile probe name is text in the SVG (escaped, decoded back exactly) and plain text in JSON', async () => {
    const res = await get(`/api/badges/${encodeURIComponent(HOSTILE)}/uptime/24h.svg`);
    assert.equal(res.status, 200);
    assert.ok(!res.text.includes('<script') && !res.text.includes('<img'), res.text);
    const elements = parseXml(res.text);
    assert.deepEqual(
      elements.map((e) => e.name).filter((n) => !['svg', 'title', 'linearGradient', 'stop', 'clipPath', 'rect', 'g', 'text'].includes(n)),
      [],
    );
    assert.equal(elements.find((e) => e.name === 'title')?.text, `${HOSTILE}: uptime 24h 75.00%`);
    assert.equal(elements[0]?.attributes['aria-label'], `${HOSTILE}: uptime 24h 75.00%`);
    const json = await get(`/api/history?probe=${encodeURIComponent(HOSTILE)}`);
    assert.equal(json.json()['probe'], HOSTILE);
  });
});
