import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';

interface Answer {
  status: number;
  body: any;
}

/** Waits for a condition driven by the server's own progress; bounded so a bug fails instead of hanging. */
async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 2_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('simulated API', () => {
  let api: SimulatedApi;
  const get = async (path: string, init?: RequestInit): Promise<Answer> => {
    const res = await fetch(new URL(path, api.url), init);
    const text = await res.text();
    return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
  };
  const setFault = (body: string, method = 'PUT'): Promise<Answer> => get('/__fault', { method, body });

  before(async () => {
    api = await startSimulatedApi();
  });
  after(() => api.close());

  test('listens on an ephemeral port of 127.0.0.1', () => {
    assert.ok(api.port > 0);
    assert.equal(api.url, `http://127.0.0.1:${api.port}`);
    assert.deepEqual(api.fault(), { kind: 'none' });
  });

  test('GET /health', async () => {
    const { status, body } = await get('/health');
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body), ['status', 'database', 'version', 'uptime_seconds']);
    assert.equal(body.status, 'healthy');
    assert.equal(body.database, 'connected');
    assert.equal(body.version, '1.4.2');
    assert.equal(typeof body.uptime_seconds, 'number');
  });

  test('GET /v1/papers returns deterministic paper shapes, limit capped at 100', async () => {
    const first = await get('/v1/papers?limit=10');
    assert.equal(first.status, 200);
    assert.equal(first.body.items.length, 10);
    assert.equal(first.body.limit, 10);
    assert.equal(first.body.offset, 0);
    assert.ok(first.body.total >= 100);
    const paper = first.body.items[0];
    assert.deepEqual(Object.keys(paper), ['id', 'title', 'authors', 'published', 'url', 'topics', 'score']);
    assert.match(paper.published, /^2025-\d\d-\d\d$/);
    assert.ok(Array.isArray(paper.authors) && paper.authors.length > 0);
    assert.ok(paper.url.endsWith(paper.id));
    assert.deepEqual((await get('/v1/papers?limit=10')).body, first.body);
    const ids = new Set((await get('/v1/papers?limit=500')).body.items.map((p: { id: string }) => p.id));
    assert.equal(ids.size, 100);
  });

  test('bad limit answers 422 in FastAPI shape', async () => {
    for (const limit of ['abc', '0', '-3']) {
      const { status, body } = await get(`/v1/papers?limit=${limit}`);
      assert.equal(status, 422, limit);
      assert.deepEqual(body.detail[0].loc, ['query', 'limit']);
      assert.equal(body.detail[0].input, limit);
    }
  });

  test('GET /v1/papers/near ranks matching papers first', async () => {
    const { status, body } = await get('/v1/papers/near?text_query=quantum&k=5');
    assert.equal(status, 200);
    assert.equal(body.query, 'quantum');
    assert.equal(body.k, 5);
    assert.equal(body.results.length, 5);
    const distances = body.results.map((r: { distance: number }) => r.distance);
    assert.deepEqual(
      distances,
      [...distances].sort((a, b) => a - b),
    );
    for (const r of body.results) assert.match(`${r.paper.title} ${r.paper.topics}`.toLowerCase(), /quantum/);
  });

  test('near without text_query answers 422', async () => {
    const { status, body } = await get('/v1/papers/near?k=5');
    assert.equal(status, 422);
    assert.deepEqual(body.detail[0], { type: 'missing', loc: ['query', 'text_query'], msg: 'Field required', input: null });
  });

  test('unknown path answers 404', async () => {
    assert.deepEqual(await get('/v2/nothing?x=1'), { status: 404, body: { detail: 'Not Found' } });
  });

  test('control endpoint reads and sets the fault; bad input is a 400 with the parse message', async () => {
    assert.deepEqual(await get('/__fault'), { status: 200, body: { fault: 'none' } });
    assert.deepEqual(await setFault('latency=5'), { status: 200, body: { fault: 'latency=5' } });
    assert.deepEqual(api.fault(), { kind: 'latency', ms: 5 });
    assert.deepEqual(await setFault(JSON.stringify({ fault: 'errors=0.3' }), 'POST'), { status: 200, body: { fault: 'errors=0.3' } });
    const bad = await setFault('errors=2');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'RP_ERR_USAGE');
    assert.match(bad.body.detail, /^fault: expected one of none, outage, .*; got "errors=2"$/);
    assert.deepEqual((await get('/__fault')).body, { fault: 'errors=0.3' }, 'a bad request leaves the fault alone');
    assert.equal((await setFault('x'.repeat(10_000))).status, 413);
    assert.equal((await get('/__fault', { method: 'DELETE' })).status, 405);
    await setFault('none');
  });

  test('outage: every API request is 503', async () => {
    api.setFault({ kind: 'outage' });
    for (const path of ['/health', '/v1/papers?limit=10', '/v1/papers/near?text_query=quantum&k=5']) {
      assert.deepEqual(await get(path), { status: 503, body: { detail: 'Service Unavailable' } });
    }
    assert.equal((await get('/metrics')).status, 200, 'metrics are never faulted');
    api.setFault({ kind: 'none' });
  });

  test('errors=0.3: exactly 3 of 10 responses are 500', async () => {
    await setFault('errors=0.3');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { status, body } = await get('/v1/papers?limit=1');
      statuses.push(status);
      if (status === 500) assert.deepEqual(body, { detail: 'Internal Server Error' });
    }
    assert.equal(statuses.filter((s) => s === 500).length, 3);
    assert.equal(statuses.filter((s) => s === 200).length, 7);
    await setFault('none');
  });

  test('latency=150 delays each response by a timer', async () => {
    api.setFault({ kind: 'latency', ms: 150 });
    const started = performance.now();
    const [a, b] = await Promise.all([get('/health'), get('/v1/papers?limit=1')]);
    const elapsed = performance.now() - started;
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.ok(elapsed >= 145, `took ${elapsed} ms`);
    assert.ok(elapsed < 600, `two concurrent delays should overlap, took ${elapsed} ms`);
    api.setFault({ kind: 'none' });
  });

  test('near-fail: only /v1/papers/near fails, with the OpenAI message', async () => {
    api.setFault({ kind: 'near-fail' });
    assert.deepEqual(await get('/v1/papers/near?text_query=quantum&k=5'), {
      status: 500,
      body: { detail: 'OpenAI API error: 503 Service Unavailable' },
    });
    assert.equal((await get('/v1/papers?limit=10')).status, 200);
    assert.equal((await get('/health')).status, 200);
    api.setFault({ kind: 'none' });
  });

  test('hang: the request is accepted and not answered; later requests work once the fault changes', async () => {
    api.setFault({ kind: 'hang' });
    const before = api.requests();
    const controller = new AbortController();
    const hung = fetch(new URL('/health', api.url), { signal: controller.signal });
    await waitFor(() => api.requests() > before, 'the hung request to arrive');
    api.setFault({ kind: 'none' });
    assert.equal((await get('/health')).status, 200);
    controller.abort();
    await assert.rejects(hung, { name: 'AbortError' });
  });

  test('reset: every API request has its connection reset, with no status line', async () => {
    api.setFault({ kind: 'reset' });
    await assert.rejects(fetch(new URL('/health', api.url)), (err: Error) => {
      assert.equal((err.cause as { code?: string } | undefined)?.code, 'ECONNRESET');
      return true;
    });
    api.setFault({ kind: 'none' });
    assert.equal((await get('/health')).status, 200);
  });

  test('huge-body: 200 application/json with the whole declared body, streamed', async () => {
    api.setFault({ kind: 'huge-body', bytes: 5 * 1024 * 1024 + 7 });
    const res = await fetch(new URL('/v1/papers?limit=10', api.url));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    let bytes = 0;
    for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length;
    assert.equal(bytes, 5 * 1024 * 1024 + 7);
    api.setFault({ kind: 'none' });
  });

  test('invalid-json: 200 application/json whose body is the real reply cut off, so it does not parse', async () => {
    api.setFault({ kind: 'invalid-json' });
    const res = await fetch(new URL('/health', api.url));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const text = await res.text();
    assert.ok(text.startsWith('{"status":"healthy"'), text);
    assert.throws(() => JSON.parse(text), SyntaxError);
    api.setFault({ kind: 'none' });
  });

  test('/metrics exposes per-route series with bounded labels; metrics and control are not counted', async () => {
    const counted = api.requests();
    await get('/metrics');
    await get('/__fault');
    assert.equal(api.requests(), counted);
    const { status, body } = await get('/metrics');
    assert.equal(status, 200);
    assert.match(body, /^# TYPE api_requests_total counter$/m);
    assert.match(body, /^api_requests_total\{method="GET",endpoint="\/v1\/papers",status="200"\} \d+$/m);
    assert.match(body, /^api_requests_total\{method="GET",endpoint="\/v1\/papers",status="500"\} 3$/m);
    assert.match(body, /^api_requests_total\{method="GET",endpoint="\/v1\/papers\/near",status="422"\} 1$/m);
    assert.match(body, /^api_requests_total\{method="GET",endpoint="unmatched",status="404"\} 1$/m);
    assert.match(body, /^api_request_duration_seconds_bucket\{le="0.005",method="GET",endpoint="\/health"\} \d+$/m);
    assert.match(body, /^api_request_duration_seconds_bucket\{le="10",method="GET",endpoint="\/v1\/papers"\} \d+$/m);
    assert.doesNotMatch(body, /limit=|text_query|\/metrics|__fault/);
  });

  test('api-fail: every API endpoint answers 500 while /health answers 200', async () => {
    api.setFault({ kind: 'api-fail' });
    assert.equal((await get('/v1/papers?limit=10')).status, 500);
    assert.equal((await get('/v1/papers/near?text_query=quantum&k=5')).status, 500);
    assert.equal((await get('/health')).status, 200);
    api.setFault({ kind: 'none' });
  });
});

test('close() resolves promptly with a hung request and a pending latency timer', async () => {
  const api = await startSimulatedApi({ fault: { kind: 'hang' } });
  // outcome is settled into a value at once so the rejection during close() is never unhandled
  const outcome = (path: string): Promise<string> =>
    fetch(`${api.url}${path}`).then(
      (r) => `answered ${r.status}`,
      () => 'connection closed',
    );
  const hung = outcome('/v1/papers?limit=10');
  await waitFor(() => api.requests() === 1, 'the hung request to arrive');
  api.setFault({ kind: 'latency', ms: 60_000 });
  const delayed = outcome('/health');
  await waitFor(() => api.requests() === 2, 'the delayed request to arrive');
  const started = performance.now();
  await api.close();
  assert.ok(performance.now() - started < 500, 'close() took too long');
  assert.equal(await hung, 'connection closed');
  assert.equal(await delayed, 'connection closed');
});

test('a port in use is a clear usage error', async () => {
  const first = await startSimulatedApi();
  try {
    await assert.rejects(startSimulatedApi({ port: first.port }), {
      code: 'RP_ERR_USAGE',
      message: /cannot listen on 127\.0\.0\.1:\d+: .*EADDRINUSE/,
    });
  } finally {
    await first.close();
  }
});
