/**
 * Our own connection pool is not the API's latency: 20 probes at once through a pool of 2 connections against an API
 * answering in 100 ms. Each sample must measure about 100 ms (not up to a second of queueing), and the wait for a
 * connection must be reported on its own.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { httpProbe, type HttpProbeParams } from '../../../probes/http/index.js';
import { runProbe } from '../../../probes/types.js';
import { HttpResources } from '../../../src/clients/http-agent.js';
import { endpointSchema } from '../../../src/model/settings/endpoint.js';
import { testConfig, testContext } from '../../helpers/context.js';
import { httpServer, type Running } from '../../helpers/servers.js';

const ANSWER_MS = 100;
const POOL = 2;
const PROBES = 20;

let api: Running;
let inFlight = 0;
let mostInFlight = 0;
before(async () => {
  api = await httpServer((_req, res) => {
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    setTimeout(() => {
      inFlight--;
      res.end('ok');
    }, ANSWER_MS);
  });
});
after(() => api.close());

test('requests waiting for our own pool: latency is the request’s own time, the queue is reported apart', async () => {
  const http = new HttpResources(POOL);
  const ctx = { ...testContext(testConfig(`target: ${api.url}\n`), { timeoutMs: 10_000 }), http };
  try {
    const params: HttpProbeParams = { target: api.url, endpoint: endpointSchema.parse({ name: 'e', path: '/x' }) };
    // a daemon's pool is warm: open the connections first so the cold start is not what this measures
    await Promise.all(Array.from({ length: POOL }, () => runProbe(httpProbe, params, { ...ctx, signal: AbortSignal.timeout(10_000) })));
    mostInFlight = 0;
    const outcomes = await Promise.all(
      Array.from({ length: PROBES }, () => runProbe(httpProbe, params, { ...ctx, signal: AbortSignal.timeout(10_000) })),
    );
    assert.equal(mostInFlight, POOL, 'the pool really held requests back');
    const latencies = outcomes.map((o) => (o.details?.sampleDurationsMs as number[])[0]);
    const queues = outcomes.map((o) => o.metrics?.queueMs as number);
    // Charged with the queue, the last pair would measure about PROBES / POOL answers (~1 s); none may come near it.
    for (const [i, o] of outcomes.entries()) {
      assert.equal(o.status, 'pass', JSON.stringify(o));
      assert.ok(latencies[i] >= ANSWER_MS * 0.9 && latencies[i] < ANSWER_MS * 3.5, `probe ${i} measured ${latencies[i]} ms`);
    }
    const median = [...latencies].sort((a, b) => a - b)[PROBES / 2];
    assert.ok(median < ANSWER_MS * 1.6, `median latency ${median} ms`);
    // 20 requests through 2 connections: the last pair waits about 9 answers long
    const longestWait = Math.max(...queues);
    assert.ok(longestWait > ANSWER_MS * (PROBES / POOL - 2), `longest queue wait ${longestWait} ms`);
    // the first request went straight to a connection (its wait is the event loop's, not one answer long)
    assert.ok(Math.min(...queues) < ANSWER_MS, `no request went straight to a connection: ${queues.join(', ')}`);
  } finally {
    await http.close();
    await ctx.close();
  }
});

test('a request that never left our queue says so instead of blaming a response', async () => {
  const hung = await httpServer(() => undefined); // takes the request and never answers: the only connection stays busy
  const http = new HttpResources(1);
  const ctx = { ...testContext(testConfig(`target: ${hung.url}\n`), { timeoutMs: 2_000 }), http };
  try {
    const params: HttpProbeParams = { target: hung.url, endpoint: endpointSchema.parse({ name: 'e', path: '/x' }) };
    const first = runProbe(httpProbe, params, { ...ctx, signal: AbortSignal.timeout(800) });
    const second = await runProbe(httpProbe, params, { ...ctx, signal: AbortSignal.timeout(300) });
    assert.equal(second.status, 'fail', JSON.stringify(second));
    assert.match(second.error?.message ?? '', /never sent: no connection of the probe's own pool came free/);
    assert.ok((second.metrics?.queueMs as number) >= 250, `queue ${String(second.metrics?.queueMs)} ms`);
    assert.match((await first).error?.message ?? '', /no complete response/, 'the request that was sent still blames the response');
  } finally {
    await http.close();
    await ctx.close();
    await hung.close();
  }
});
