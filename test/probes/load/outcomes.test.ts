import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProgressEvent } from '../../../probes/types.js';
import { closedPort, httpServer, silentServer } from '../../helpers/servers.js';
import { runLoad as run, target } from './targets.js';

describe('load probe: errors, timeouts and aborts', () => {
  test('a 90 % failing server with amount 5000 stops well short and says it aborted', async () => {
    const failing = await target({ failRatio: 0.9 });
    try {
      const outcome = await run(failing.url, { amount: 5_000 });
      assert.equal(outcome.status, 'fail');
      assert.equal(outcome.error?.code, 'RP_ERR_LOAD_ABORTED');
      assert.match(outcome.error.message, /aborted after \d+ requests at error rate 9\d(\.\d)? %/);
      const l = outcome.latency!;
      assert.equal(l.aborted, true);
      assert.ok(l.requests >= 50 && l.requests < 500, `${l.requests} requests`);
      assert.ok(failing.served() < 500, `server saw ${failing.served()} requests`);
      assert.ok(l.errorRate > 0.5);
      assert.deepEqual(Object.keys(l.statusCounts as object).sort(), ['200', '500']);
    } finally {
      await failing.close();
    }
  });

  test('connection refused counts as errors and aborts', async () => {
    const port = await closedPort();
    const outcome = await run(`http://127.0.0.1:${port}`, { amount: 1_000 });
    assert.equal(outcome.error?.code, 'RP_ERR_LOAD_ABORTED');
    const l = outcome.latency!;
    assert.equal(l.errors, l.requests);
    assert.equal(l.transportErrors, l.requests);
    assert.equal(l.p50Ms, null, 'refused connections have no latency');
    assert.ok(Number((l.transportErrorCodes as Record<string, number>).ECONNREFUSED) > 0);
  });

  for (const timeoutMs of [300, 1_000]) {
    test(`timeouts (${timeoutMs} ms, ${timeoutMs < 1000 ? 'undici' : 'autocannon'}) count as errors and at the timeout in latency`, async () => {
      const silent = await silentServer();
      try {
        const outcome = await run(silent.url, { amount: 2, connections: 2, timeoutMs, abortOnErrorRate: 1 });
        const l = outcome.latency!;
        assert.equal(l.timeouts, 2);
        assert.equal(l.errors, 2);
        assert.equal(l.errorRate, 1);
        assert.ok(l.p50Ms! >= timeoutMs * 0.99 && l.p50Ms! < timeoutMs * 1.2, `p50 ${l.p50Ms}`);
      } finally {
        await silent.close();
      }
    });
  }

  test('HTTP error statuses count as errors; non2xx and status counts are kept', async () => {
    const notFound = await target({ status: 404 });
    try {
      const outcome = await run(notFound.url, { amount: 20, connections: 2, abortOnErrorRate: 1 });
      const l = outcome.latency!;
      assert.equal(outcome.status, 'pass');
      assert.deepEqual([l.requests, l.errors, l.non2xx, l.httpErrors], [20, 20, 20, 20]);
      assert.deepEqual(l.statusCounts, { '404': 20 });
      assert.ok(l.p50Ms !== null, 'error responses still have a latency');
    } finally {
      await notFound.close();
    }
  });

  test('cancellation stops a long run promptly', async () => {
    const quick = await target({ delayMs: 10 });
    try {
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(), 300);
      const outcome = await run(quick.url, { durationMs: 20_000, connections: 2 }, { signal: controller.signal });
      assert.ok(performance.now() - started < 1_500, `took ${performance.now() - started} ms`);
      assert.equal(outcome.status, 'error');
      assert.equal(outcome.error?.code, 'RP_ERR_PROBE_ABORTED');
      assert.ok(outcome.latency!.requests > 0);
    } finally {
      await quick.close();
    }
  });

  test('off the main thread: same result shape, progress reported', async () => {
    const quick = await target({ delayMs: 20 });
    try {
      const events: ProgressEvent[] = [];
      const outcome = await run(quick.url, { durationMs: 700, connections: 4, offThread: true }, { progress: (e) => events.push(e) });
      assert.equal(outcome.status, 'pass', JSON.stringify(outcome.error));
      // the worker's start-up competes with the in-process server here: this test is about shape, not precision
      assert.ok(outcome.latency!.p50Ms! >= 20 && outcome.latency!.p50Ms! < 40, `p50 ${outcome.latency!.p50Ms}`);
      assert.ok(events.length >= 3, `${events.length} progress events`);
      assert.equal(events.at(-1)!.done, outcome.latency!.requests);
    } finally {
      await quick.close();
    }
  });

  test('several requests are sent round-robin; an amount below the connections is honoured', async () => {
    const paths = new Map<string, number>();
    const counting = await httpServer((req, res) => {
      paths.set(req.url ?? '', (paths.get(req.url ?? '') ?? 0) + 1);
      res.end('ok');
    });
    try {
      const requests = [{ path: '/a' }, { path: '/b', method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }];
      const closed = await run(counting.url, { requests, amount: 40, connections: 2 });
      assert.equal(closed.latency!.requests, 40);
      assert.deepEqual([paths.get('/a'), paths.get('/b')], [20, 20]);
      paths.clear();
      const rated = await run(counting.url, { requests, amount: 10, rate: 200, connections: 2 });
      assert.equal(rated.latency!.requests, 10);
      // plus the fixed-rate warm-up request, which goes to the first path
      assert.deepEqual([paths.get('/a'), paths.get('/b')], [6, 5]);
      const few = await run(counting.url, { amount: 3, connections: 10 });
      assert.equal(few.latency!.requests, 3);
      assert.equal(few.latency!.latencySamples, 3, 'a run too small for a warm-up keeps every sample');
    } finally {
      await counting.close();
    }
  });

  test('bad params and guardrails are outcomes, not exceptions', async () => {
    const bad = await run('http://127.0.0.1:9', { connections: 0 });
    assert.equal(bad.status, 'error');
    assert.equal(bad.error?.code, 'RP_ERR_USAGE');
    const capped = await run('http://127.0.0.1:9', { connections: 1_000_000 });
    assert.equal(capped.error?.code, 'RP_ERR_LOAD_CAP');
    const badThreshold = await run('http://127.0.0.1:9', { thresholds: ['p(95)<<1'] });
    assert.equal(badThreshold.error?.code, 'RP_ERR_USAGE');
  });
});
