/** The endpoint probes' exchange: a whole answer without a stream, and aborts that behave as undici's request() does. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Agent, queuedAbortHook } from '../../src/clients/undici.js';
import { exchange, type ExchangeOptions } from '../../src/clients/http-exchange.js';
import { ProbeError } from '../../src/model/errors.js';
import { httpServer } from '../helpers/servers.js';

const options = (url: string, signal: AbortSignal, more: Partial<ExchangeOptions> = {}): ExchangeOptions => ({
  origin: new URL(url).origin,
  path: '/x?y=1',
  method: 'GET',
  headers: { 'user-agent': 'radar-probe' },
  body: undefined,
  signal,
  headersTimeout: 5_000,
  bodyTimeout: 5_000,
  maxBodyBytes: 1024,
  ...more,
});

test("undici's queued-abort hook is found (an upgrade that moves it must be noticed here)", () => {
  assert.equal(typeof queuedAbortHook, 'symbol');
});

test('status, headers and body in one answer; the head is reported before the body', async () => {
  const server = await httpServer((req, res) => {
    res.writeHead(201, { 'content-type': 'text/plain', 'x-path': req.url ?? '' });
    res.write('hello ');
    setImmediate(() => res.end('world'));
  });
  const agent = new Agent();
  try {
    const heads: number[] = [];
    const answer = await exchange(agent, options(server.url, new AbortController().signal, { onHead: (status) => heads.push(status) }));
    assert.equal(answer.statusCode, 201);
    assert.equal(answer.headers['x-path'], '/x?y=1');
    assert.equal(answer.text, 'hello world');
    assert.equal(answer.bytes, 11);
    assert.deepEqual(heads, [201]);
  } finally {
    await agent.close();
    await server.close();
  }
});

test('a body over the cap fails with RP_ERR_BODY_TOO_LARGE, after its head was reported', async () => {
  const server = await httpServer((_req, res) => res.end('x'.repeat(4096)));
  const agent = new Agent();
  try {
    let head = 0;
    const failed = await exchange(agent, options(server.url, new AbortController().signal, { onHead: (status) => (head = status) })).then(
      () => null,
      (err: unknown) => err,
    );
    assert.ok(failed instanceof ProbeError && failed.code === 'RP_ERR_BODY_TOO_LARGE', String(failed));
    assert.equal(head, 200);
  } finally {
    await agent.close();
    await server.close();
  }
});

/** a server that takes requests and never answers, and says when the first one arrived */
async function hungServer(): Promise<{ url: string; requests: () => number; arrived: Promise<void>; close: () => Promise<void> }> {
  let requests = 0;
  let arrive = (): void => undefined;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const server = await httpServer(() => {
    requests++;
    arrive();
  });
  return { url: server.url, requests: () => requests, arrived, close: () => server.close() };
}

test('an aborted signal dispatches nothing; a started request rejects with the signal’s reason', async () => {
  const server = await hungServer();
  const agent = new Agent();
  try {
    const gone = new AbortController();
    gone.abort(new Error('before'));
    await assert.rejects(exchange(agent, options(server.url, gone.signal)), /before/);
    const late = new AbortController();
    const pending = exchange(agent, options(server.url, late.signal));
    await server.arrived;
    late.abort(new Error('during'));
    await assert.rejects(pending, /during/);
    assert.equal(server.requests(), 1, 'only the second request was sent');
  } finally {
    await agent.destroy();
    await server.close();
  }
});

test('a request waiting for a connection of the pool leaves the queue when its signal fires, not when a connection frees', async () => {
  const server = await hungServer(); // the only connection stays busy
  const agent = new Agent({ connections: 1 });
  const holder = new AbortController();
  try {
    const holding = exchange(agent, options(server.url, holder.signal)).catch(() => undefined);
    await server.arrived;
    const queued = new AbortController();
    const waiting = exchange(agent, options(server.url, queued.signal));
    queued.abort(new Error('queued deadline'));
    const outcome = await Promise.race([
      waiting.then(
        () => 'answered',
        (err: unknown) => err,
      ),
      new Promise((resolve) => setTimeout(() => resolve('still queued'), 1_500)),
    ]);
    assert.match(String(outcome), /queued deadline/, 'rejected while the other request still held the connection');
    assert.equal(server.requests(), 1);
    holder.abort(new Error('done'));
    await holding;
  } finally {
    await agent.destroy();
    await server.close();
  }
});
