/**
 * A dead API is an outage to the load probe too: every attempt that ends without a usable response (timed out,
 * reset, closed, refused, a body over the cap) is a counted failure, and the run answers within its budget.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../../src/demo/api.js';
import { httpServer, silentServer, type Running } from '../../helpers/servers.js';
import { runLoad as run } from './targets.js';

describe('load probe against a dead API', () => {
  let api: SimulatedApi;
  let silent: Running;
  before(async () => {
    api = await startSimulatedApi();
    silent = await silentServer();
  });
  after(async () => {
    await api.close();
    await silent.close();
  });

  test('a hung API within a 2 s budget: ends within 2.5 s, every attempt a timeout, error rate 1', async () => {
    const started = performance.now();
    // the load.timeout default (10 s) is longer than the whole budget: the budget must bound it
    const outcome = await run(silent.url, { amount: 100, connections: 10, timeoutMs: 10_000 }, { timeoutMs: 2_000 });
    const tookMs = performance.now() - started;
    assert.ok(tookMs < 2_500, `took ${tookMs.toFixed(0)} ms`);
    const l = outcome.latency!;
    assert.ok(l.requests >= 10, `${l.requests} attempts counted`);
    assert.equal(l.timeouts, l.requests);
    assert.equal(l.errors, l.requests);
    assert.equal(l.errorRate, 1);
    assert.ok((l.timeoutMs as number) < 2_000, `per-request timeout ${String(l.timeoutMs)} ms`);
  });

  test('a hung API without a tight budget answers after one request timeout, not after abortMinSamples of them', async () => {
    const started = performance.now();
    const outcome = await run(silent.url, { amount: 100, connections: 10, timeoutMs: 1_000, abortMinSamples: 50 }, { timeoutMs: 60_000 });
    const tookMs = performance.now() - started;
    assert.ok(tookMs < 2_500, `took ${tookMs.toFixed(0)} ms (five timeouts in a row would be 5 s)`);
    assert.equal(outcome.error?.code, 'RP_ERR_LOAD_ABORTED');
    assert.equal(outcome.latency!.errorRate, 1);
  });

  test('an API that resets every connection: every attempt is a transport error, error rate 1', async () => {
    api.setFault({ kind: 'reset' });
    const outcome = await run(api.url, { amount: 20, connections: 2, abortOnErrorRate: 1 }, { timeoutMs: 10_000 });
    const l = outcome.latency!;
    assert.equal(l.requests, 20);
    assert.equal(l.transportErrors, 20);
    assert.equal(l.errorRate, 1);
    assert.ok(Number((l.transportErrorCodes as Record<string, number>)['ECONNRESET']) > 0, JSON.stringify(l.transportErrorCodes));
  });

  test('an API that closes the connection without an answer: counted, not retried silently', async () => {
    const closing = await httpServer((req) => req.socket.destroy());
    try {
      const outcome = await run(closing.url, { amount: 20, connections: 2, abortOnErrorRate: 1 }, { timeoutMs: 10_000 });
      assert.equal(outcome.latency!.requests, 20);
      assert.equal(outcome.latency!.errorRate, 1);
    } finally {
      await closing.close();
    }
  });

  test('64 MiB bodies: each response over the cap is an error with its code, memory stays flat', async () => {
    api.setFault({ kind: 'huge-body', bytes: 64 * 1024 * 1024 });
    const rss = (): number => process.memoryUsage().rss / 1024 / 1024;
    const atStart = rss();
    const first = await run(api.url, { amount: 20, connections: 4, abortOnErrorRate: 1 }, { timeoutMs: 20_000 });
    const afterFirst = rss();
    const second = await run(api.url, { amount: 60, connections: 4, abortOnErrorRate: 1 }, { timeoutMs: 20_000 });
    const afterSecond = rss();
    const l = first.latency!;
    assert.equal(l.requests, 20);
    assert.equal(l.errors, 20);
    assert.deepEqual(l.rejectedCodes, { RP_ERR_BODY_TOO_LARGE: 20 });
    assert.equal(l.maxBodyBytes, 1_048_576);
    assert.deepEqual(second.latency!.rejectedCodes, { RP_ERR_BODY_TOO_LARGE: 60 });
    // keeping whole bodies costs at least 64 MiB per connection (4 here); reading capped at 1 MiB costs socket buffers
    assert.ok(afterFirst - atStart < 128, `RSS grew ${(afterFirst - atStart).toFixed(1)} MiB over 20 responses`);
    // and three times the responses add less than one body: nothing is kept per response (Node 24's allocator holds
    // on to some 20-40 MiB of freed socket buffers between runs, so "flat" is measured against one body, not zero)
    assert.ok(afterSecond - afterFirst < 64, `RSS grew another ${(afterSecond - afterFirst).toFixed(1)} MiB over 60 responses`);
  });
});
