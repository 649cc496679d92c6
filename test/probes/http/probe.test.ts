import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { httpProbe, type HttpProbeParams } from '../../../probes/http/index.js';
import { runProbe, type ProbeOutcome } from '../../../probes/types.js';
import { endpointSchema } from '../../../src/model/settings/endpoint.js';
import { testConfig, testContext } from '../../helpers/context.js';
import { blackholeListener, closedPort, httpServer, selfSignedHttpsServer, silentServer, type Running } from '../../helpers/servers.js';

async function probe(target: string, endpoint: Record<string, unknown>, timeoutMs = 2_000): Promise<ProbeOutcome> {
  const ctx = testContext(testConfig(`target: ${target}\n`), { timeoutMs });
  try {
    const params: HttpProbeParams = { target, endpoint: endpointSchema.parse({ name: 'e', path: '/x', ...endpoint }) };
    return await runProbe(httpProbe, params, ctx);
  } finally {
    await ctx.close();
  }
}

let api: Running;
before(async () => {
  api = await httpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const delay = Number(url.searchParams.get('delay') ?? 0);
    setTimeout(() => {
      switch (url.pathname) {
        case '/json':
          res.setHeader('content-type', 'application/json');
          return res.end(JSON.stringify({ status: 'healthy', items: [{ id: 7 }] }));
        case '/text':
          return res.end('not json at all');
        case '/truncated-json':
          res.writeHead(url.searchParams.get('status') === '204' ? 204 : 200, { 'content-type': url.searchParams.get('type') ?? 'application/json' });
          return res.end(url.searchParams.get('status') === '204' ? undefined : '{"status":"heal');
        case '/503':
          res.statusCode = 503;
          return res.end('{"detail":"Service Unavailable"}');
        case '/big':
          return res.end('x'.repeat(64 * 1024));
        case '/reset':
          res.writeHead(200, { 'content-length': '1000' });
          res.write('partial');
          return setTimeout(() => res.socket?.destroy(), 20);
        default:
          return res.end('ok');
      }
    }, delay);
  });
});
after(() => api.close());

describe('HTTP probe passes', () => {
  test('a healthy endpoint passes with phase timings and a status code', async () => {
    const out = await probe(api.url, {
      path: '/json',
      expect: {
        json: [
          { path: '$.status', equals: 'healthy' },
          { path: 'items[0].id', exists: true },
        ],
      },
    });
    assert.equal(out.status, 'pass', JSON.stringify(out.error));
    assert.equal(out.metrics?.['statusCode'], 200);
    const phases = out.metrics?.['phases'] as Record<string, number>;
    for (const phase of ['resolve', 'connect', 'tls', 'processing', 'transfer']) assert.equal(typeof phases[phase], 'number', phase);
    assert.ok(phases['connect'] > 0, 'a fresh connection has a connect time');
  });

  test('samples estimate an error rate', async () => {
    const out = await probe(api.url, { path: '/json', samples: 4 });
    assert.equal(out.metrics?.['samples'], 4);
    assert.equal(out.metrics?.['errorRate'], 0);
  });
});

describe('HTTP probe: a body that says it is JSON must parse', () => {
  test('200 application/json with a truncated body fails RP_ERR_INVALID_JSON without any assertion', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/problem+json']) {
      const out = await probe(api.url, { path: `/truncated-json?type=${encodeURIComponent(type)}` });
      assert.equal(out.status, 'fail', type);
      assert.equal(out.error?.code, 'RP_ERR_INVALID_JSON', type);
    }
  });

  test('no JSON is required of a text body, a 204 or a HEAD', async () => {
    assert.equal((await probe(api.url, { path: '/truncated-json?type=text/plain' })).status, 'pass');
    assert.equal((await probe(api.url, { path: '/truncated-json?status=204' })).status, 'pass');
    assert.equal((await probe(api.url, { path: '/truncated-json', method: 'HEAD' })).status, 'pass');
  });
});

describe('HTTP probe names every failure with a stable code', () => {
  const cases: [string, () => Promise<ProbeOutcome>, string][] = [
    ['connection refused', async () => probe(`http://127.0.0.1:${await closedPort()}`, {}), 'RP_ERR_CONN_REFUSED'],
    ['DNS failure', () => probe('http://no-such-host.invalid', {}), 'RP_ERR_DNS'],
    ['unexpected status', () => probe(api.url, { path: '/503' }), 'RP_ERR_UNEXPECTED_STATUS'],
    ['invalid JSON', () => probe(api.url, { path: '/text', expect: { json: [{ path: '$.status' }] } }), 'RP_ERR_INVALID_JSON'],
    [
      'assertion failed (JSON equals)',
      () => probe(api.url, { path: '/json', expect: { json: [{ path: '$.status', equals: 'down' }] } }),
      'RP_ERR_ASSERTION_FAILED',
    ],
    ['assertion failed (body text)', () => probe(api.url, { path: '/json', expect: { contains: 'papers' } }), 'RP_ERR_ASSERTION_FAILED'],
    ['latency budget', () => probe(api.url, { path: '/json?delay=120', expect: { maxLatency: '40ms' } }), 'RP_ERR_LATENCY_BUDGET'],
    ['body too large', () => probe(api.url, { path: '/big', maxBodyBytes: 1024 }), 'RP_ERR_BODY_TOO_LARGE'],
    ['reset mid-response', () => probe(api.url, { path: '/reset' }), 'RP_ERR_CONN_RESET'],
  ];
  for (const [name, run, code] of cases) {
    test(name, async () => {
      const out = await run();
      assert.equal(out.status, 'fail');
      assert.equal(out.error?.code, code, out.error?.message);
    });
  }

  test('TLS failure (self-signed certificate)', async () => {
    const tls = await selfSignedHttpsServer();
    try {
      const out = await probe(tls.url, {});
      assert.equal(out.error?.code, 'RP_ERR_TLS', out.error?.message);
    } finally {
      await tls.close();
    }
  });

  test('response timeout: accepts, never answers', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const out = await probe(silent.url, {}, 300);
      assert.equal(out.error?.code, 'RP_ERR_RESPONSE_TIMEOUT', out.error?.message);
      assert.ok(Date.now() - started < 2_000);
    } finally {
      await silent.close();
    }
  });

  test('connect timeout: the accept queue is full', async () => {
    const hole = await blackholeListener();
    try {
      const out = await probe(hole.url, {}, 300);
      assert.equal(out.error?.code, 'RP_ERR_CONNECT_TIMEOUT', out.error?.message);
    } finally {
      await hole.close();
    }
  });
});

describe('HTTP probe: samples our own budget cuts are abandoned, not API errors', () => {
  // (a sample that had its whole per-request timeout and used it is the API's timeout: see "response timeout" above)
  test('a sample cut by the remaining budget, shorter than its timeout, is abandoned', async () => {
    let seen = 0;
    // three answers of 150 ms, then one slower than what is left of the probe's budget
    const slowLast = await httpServer((_req, res) => {
      seen++;
      setTimeout(() => res.end('ok'), seen <= 3 ? 150 : 3_000);
    });
    try {
      const out = await probe(slowLast.url, { samples: 4 }, 1_000);
      assert.equal(out.status, 'pass', JSON.stringify(out.error));
      assert.equal(out.metrics?.['samples'], 3);
      assert.equal(out.metrics?.['failures'], 0);
      assert.equal(out.metrics?.['abandoned'], 1);
      const data = out.data?.kind === 'http' ? out.data : undefined;
      assert.deepEqual(
        data?.samples.map((s) => Boolean(s.abandoned)),
        [false, false, false, true],
      );
    } finally {
      await slowLast.close();
    }
  });

  test('a sample that would not fit in what is left of the budget is not started', async () => {
    const slow = await httpServer((_req, res) => void setTimeout(() => res.end('ok'), 300));
    try {
      const out = await probe(slow.url, { samples: 10 }, 1_000);
      assert.equal(out.status, 'pass', JSON.stringify(out.error));
      assert.ok((out.metrics?.['samples'] as number) >= 2 && (out.metrics?.['samples'] as number) <= 3, String(out.metrics?.['samples']));
      assert.equal(out.metrics?.['failures'], 0);
    } finally {
      await slow.close();
    }
  });
});
