/** Answers a real Prometheus seldom gives on demand: NaN/+Inf, several series, a 503 before it is ready, auth. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { prometheusProbe } from '../../../probes/prometheus/index.js';
import { runProbe, type ProbeOutcome } from '../../../probes/types.js';
import { testConfig, testContext } from '../../helpers/context.js';
import { freePort } from '../../helpers/prometheus-server.js';

type Answer = { status: number; body: string };
const vector = (...values: string[]): Answer => ({
  status: 200,
  body: JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: values.map((v, i) => ({ metric: { instance: `pod-${i}` }, value: [1763456400.123, v] })) },
  }),
});
const alerts = (...list: [string, string][]): Answer => ({
  status: 200,
  body: JSON.stringify({
    status: 'success',
    data: {
      alerts: list.map(([name, state]) => ({
        labels: { alertname: name, severity: 'page' },
        annotations: {},
        state,
        activeAt: '2025-11-18T09:00:00Z',
        value: '1e+00',
      })),
    },
  }),
});

describe('prometheus probe: edge answers', () => {
  let server: http.Server;
  let url = '';
  let answer: (path: string, query: string) => Answer = () => vector('1');
  const seen: { authorization?: string }[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://x');
      seen.push({ authorization: req.headers.authorization });
      const a = answer(u.pathname, u.searchParams.get('query') ?? '');
      res.writeHead(a.status, { 'content-type': a.body.startsWith('{') ? 'application/json' : 'text/plain' });
      res.end(a.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function run(yaml: string): Promise<ProbeOutcome> {
    const ctx = testContext(testConfig(yaml), { timeoutMs: 3_000 });
    try {
      return await runProbe(prometheusProbe, {}, ctx);
    } finally {
      await ctx.close();
    }
  }

  test('NaN error rate (no traffic) and +Inf p95 → null with notes, no series for them', async () => {
    answer = (path, q) =>
      path.endsWith('/alerts') ? alerts() : q.includes('histogram_quantile') ? vector('+Inf') : q.includes('5..') ? vector('NaN') : vector('0');
    const out = await run(`prometheus: { url: "${url}" }\n`);
    assert.equal(out.status, 'pass');
    assert.deepEqual(out.metrics, { errorRate: null, p95Ms: null, requestRate: 0, firingAlerts: [] });
    const notes = out.details?.notes as Record<string, string>;
    assert.match(notes.errorRate, /NaN/);
    assert.match(notes.p95, /\+Inf/);
    assert.deepEqual(
      out.series?.map((s) => s.name).filter((n) => !n.includes('alert')),
      ['probe_prometheus_request_rate'],
    );
  });

  test('un-aggregated queries: worst ratio and latency, total rate; pending alerts are not firing', async () => {
    answer = (path, q) =>
      path.endsWith('/alerts')
        ? alerts(['HighErrorRate', 'pending'], ['SlowAPIRequests', 'firing'], ['Unrelated', 'firing'])
        : q.includes('histogram_quantile')
          ? vector('0.2', '0.9')
          : q.includes('5..')
            ? vector('0.01', '0.4')
            : vector('10', '5.5');
    const out = await run(`prometheus: { url: "${url}" }\n`);
    assert.deepEqual(out.metrics, { errorRate: 0.4, p95Ms: 900, requestRate: 15.5, firingAlerts: ['SlowAPIRequests'] });
    assert.equal((out.details?.alerts as unknown[]).length, 2, 'both watched alerts listed with their state');
  });

  test('503 plain text (not ready) → error RP_ERR_PROM_UNREACHABLE', async () => {
    answer = () => ({ status: 503, body: 'Service Unavailable' });
    const out = await run(`prometheus: { url: "${url}" }\n`);
    assert.equal(out.status, 'error');
    assert.equal(out.error?.code, 'RP_ERR_PROM_UNREACHABLE');
    assert.match(out.error.message, /answered 503 without a Prometheus API document/);
  });

  test('credentials in the URL become Basic auth and never appear in the outcome', async () => {
    answer = () => ({ status: 401, body: 'Unauthorized' });
    seen.length = 0;
    const withAuth = url.replace('http://', 'http://monitor:PLANTEDpromPASSWORD@');
    const out = await run(`prometheus: { url: "${withAuth}" }\n`);
    assert.equal(seen[0]?.authorization, `Basic ${Buffer.from('monitor:PLANTEDpromPASSWORD').toString('base64')}`);
    assert.equal(out.error?.code, 'RP_ERR_PROM_UNREACHABLE');
    assert.doesNotMatch(JSON.stringify(out), /PLANTEDpromPASSWORD/);
  });

  test('Prometheus down (closed port) → error RP_ERR_PROM_UNREACHABLE naming the connection failure', async () => {
    const out = await run(`prometheus: { url: "http://127.0.0.1:${await freePort()}" }\n`);
    assert.equal(out.status, 'error');
    assert.equal(out.error?.code, 'RP_ERR_PROM_UNREACHABLE');
    assert.match(out.error.message, /connection refused \(RP_ERR_CONN_REFUSED/);
    assert.deepEqual(out.metrics, { errorRate: null, p95Ms: null, requestRate: null, firingAlerts: null });
  });

  test('empty url → skipped with the reason; a non-http url → config error', async () => {
    const empty = await run('');
    assert.equal(empty.status, 'skipped');
    assert.match(empty.reason!, /prometheus\.url is empty/);
    // a non-http URL no longer reaches the probe: loading the config refuses it, naming the key
    assert.throws(
      () => testConfig('prometheus: { url: "ftp://prom" }\n'),
      (err: unknown) => {
        const { code, message } = err as { code?: string; message?: string };
        return code === 'RP_ERR_CONFIG_INVALID' && /^prometheus\.url: expected an http\(s\) URL/.test(message ?? '');
      },
    );
  });
});
