/** The daemon's slim undici entry point hands out undici's own classes, and its `request` answers like undici's. */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import * as full from 'undici';
import { Agent, Pool, buildConnector, request } from '../../src/clients/undici.js';

test('Agent, Pool and buildConnector are the package exports themselves', () => {
  assert.equal(Agent, full.Agent);
  assert.equal(Pool, full.Pool);
  assert.equal(buildConnector, full.buildConnector);
});

test('request: origin, path and query from the URL, on the given dispatcher', async () => {
  const server = http.createServer((req, res) => res.end(`${req.method} ${req.url}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new Agent();
  try {
    const { port } = server.address() as AddressInfo;
    const response = await request(`http://127.0.0.1:${port}/a/b?c=1`, { dispatcher: agent, method: 'POST', body: 'x' });
    assert.equal(response.statusCode, 200);
    assert.equal(await response.body.text(), 'POST /a/b?c=1');
    const plain = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent });
    assert.equal(await plain.body.text(), 'GET /');
  } finally {
    await agent.close();
    server.close();
  }
});
