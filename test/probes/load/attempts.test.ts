/**
 * The load driver's bookkeeping: every attempt ends as exactly one counted outcome, on connections that keep being
 * closed, timed out and reopened under it, and bodies are counted, never kept.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { httpServer } from '../../helpers/servers.js';
import { measured, runLoad as run } from './targets.js';

describe('load probe: every attempt counted', () => {
  test('answers, closed connections, hangs and 503s on the same lanes: each attempt one outcome, none retried', async (t) => {
    let arrived = 0;
    // by arrival: answer, close the connection without an answer, never answer (a timeout), answer 503
    const mixed = await httpServer((req, res) => {
      const n = arrived++;
      req.resume();
      if (n % 4 === 0) res.end('ok');
      else if (n % 4 === 1) req.socket.destroy();
      else if (n % 4 === 3) res.writeHead(503).end('busy');
    });
    const timeoutMs = 200;
    try {
      // a stall of this process longer than the timeout turns an answer into a timeout: retried then (see measured)
      await measured(
        () => {
          arrived = 0;
          return run(mixed.url, { amount: 40, connections: 2, timeoutMs, abortOnErrorRate: 1 });
        },
        (outcome) => {
          const l = outcome.latency!;
          assert.equal(l.requests, 40);
          assert.equal(arrived, 40, 'no attempt was retried behind our back');
          assert.deepEqual(l.statusCounts, { '200': 10, '503': 10 });
          assert.equal(l.timeouts, 10);
          assert.equal(l.transportErrors, 10);
          assert.equal(l.errors, 30);
          // the timeout sweep gives up at most a hundredth of the timeout late (plus this busy machine's timer lag)
          assert.ok(l.maxMs! >= timeoutMs && l.maxMs! < timeoutMs * 1.25, `slowest ${l.maxMs} ms`);
        },
        (note) => t.diagnostic(note),
      );
    } finally {
      await mixed.close();
    }
  });

  test('4 MiB bodies under the cap: every response counted as a 200, none kept in memory', async () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 'x');
    const big = await httpServer((_req, res) => res.end(body));
    try {
      const run4MiB = (amount: number) => run(big.url, { amount, connections: 2, maxBodyBytes: 8 * 1024 * 1024, abortOnErrorRate: 1 });
      // the first run brings socket buffers and the allocator to their working size; what follows must not grow with it
      await run4MiB(4);
      const rssBefore = process.memoryUsage().rss;
      const outcome = await run4MiB(80);
      const grownMiB = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
      const l = outcome.latency!;
      assert.equal(l.requests, 80);
      assert.deepEqual(l.statusCounts, { '200': 80 }, JSON.stringify([outcome.error, l.transportErrorCodes, l.rejectedCodes]));
      assert.equal(l.rejectedResponses, 0);
      // keeping the bodies would be 320 MiB; reading them chunk by chunk costs socket buffers (which Node 24's allocator
      // is slow to give back)
      assert.ok(grownMiB < 96, `RSS grew ${grownMiB.toFixed(1)} MiB over 320 MiB of bodies`);
    } finally {
      await big.close();
    }
  });

  test('a server that closes each connection after its response: every request answered on a fresh connection, none lost', async () => {
    let arrived = 0;
    // `connection: close` says so in the response, and the lane already has its next request waiting when it is read
    const closing = await httpServer((req, res) => {
      arrived++;
      req.resume();
      res.writeHead(200, { connection: 'close' }).end('ok');
    });
    try {
      const outcome = await run(closing.url, { amount: 60, connections: 3, abortOnErrorRate: 1 });
      const l = outcome.latency!;
      assert.equal(l.requests, 60);
      assert.equal(arrived, 60);
      assert.deepEqual(l.statusCounts, { '200': 60 }, JSON.stringify(l.transportErrorCodes));
      assert.equal(l.transportErrors, 0);
    } finally {
      await closing.close();
    }
  });

  test('a request undici refuses before sending (a header with a line break) is an error per attempt, not a stack overflow', async () => {
    const quiet = await httpServer((_req, res) => res.end('ok'));
    try {
      const requests = [{ path: '/', headers: { 'x-bad': 'a\r\nb' } }];
      const outcome = await run(quiet.url, { requests, durationMs: 300, connections: 2, abortOnErrorRate: 1 });
      const l = outcome.latency!;
      assert.ok(l.requests > 100, `${l.requests} attempts`);
      assert.equal(l.transportErrors, l.requests);
      assert.deepEqual(Object.keys(l.transportErrorCodes as object), ['UND_ERR_INVALID_ARG']);
      // going on from inside dispatch() recurses until the stack overflows, which undici swallows: the run then ends early
      assert.ok((l.elapsedMs as number) >= 300, `the run lasted ${String(l.elapsedMs)} ms of its 300`);
    } finally {
      await quiet.close();
    }
  });
});
