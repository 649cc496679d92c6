import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { handleIncidentApi } from '../../src/server/incidents-api.js';
import { IncidentManager } from '../../src/incidents/manager.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { FakeClock, finding, healthy, HOUR, outage, report, tempDir } from './helpers.js';

describe('incidents HTTP API', () => {
  let server: Server;
  let base = '';
  let manager: IncidentManager;
  let state: { dir: string; remove: () => Promise<void> };
  const clock = new FakeClock();

  before(async () => {
    state = await tempDir();
    const config = testConfig(`incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 1, apiToken: t0ken-for-maintenance }\nnotify: []\n`);
    manager = await IncidentManager.open({ config, log: silentLogger(), clock });
    // one resolved P0 episode, then an open P2 one beside an OpenAI notice
    await manager.evaluate(outage());
    await manager.evaluate(healthy());
    clock.advance(HOUR);
    await manager.idle();
    await manager.evaluate(report([finding('high_latency', 'P2'), finding('external_openai_failure', 'P3', 'OpenAI answering 503')]));
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      handleIncidentApi(manager, req, res, url)
        .then((handled) => {
          if (!handled) res.writeHead(404, { 'content-type': 'text/plain' }).end('not mine');
        })
        .catch(() => res.writeHead(500).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await manager.close();
    await state.remove();
  });

  async function call(path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
    const res = await request(`${base}${path}`, { method: (init.method ?? 'GET') as 'GET', body: init.body, headers: init.headers });
    const text = await res.body.text();
    return { status: res.statusCode, type: String(res.headers['content-type']), text, json: () => JSON.parse(text) as Record<string, unknown> };
  }

  test('GET /api/incidents lists incidents with status and the open count', async () => {
    const res = await call('/api/incidents');
    assert.equal(res.status, 200);
    type Body = { open: number; incidents: { id: string; status: string; open: boolean; family: string; causes: string[] }[]; noticesOpen: number; notices: { kind: string; dependency: string; open: boolean }[] };
    const body = res.json() as Body;
    assert.equal(body.open, 1);
    assert.deepEqual(body.incidents.map((i) => `${i.family}:${i.open}`).sort(), ['availability:false', 'latency:true']);
    assert.ok(body.incidents.every((i) => i.status && !i.causes.includes('external_openai_failure')), 'a dependency failing on its own check is no cause of an incident');
    assert.equal(body.noticesOpen, 1);
    assert.deepEqual(body.notices.map((n) => `${n.kind} ${n.dependency} ${n.open}`), ['notice openai true']);
    const resolved = (await call('/api/incidents?status=resolved')).json() as Body;
    assert.equal(resolved.incidents.length, 1);
    assert.equal(resolved.notices.length, 0);
    assert.equal((await call('/api/incidents?status=nope')).status, 400);
  });

  test('GET /api/incidents/:id and /postmortem', async () => {
    const [p0, p2] = ['availability', 'latency'].map((f) => manager.list().find((i) => i.family === f)!.id);
    const one = await call(`/api/incidents/${p0}`);
    assert.equal(one.status, 200);
    assert.equal(one.json().id, p0);
    assert.ok(Array.isArray(one.json().timeline));
    const pm = await call(`/api/incidents/${p0}/postmortem`);
    assert.equal(pm.status, 200);
    assert.match(pm.type, /^text\/markdown/);
    assert.match(pm.text, new RegExp(`^# Post-mortem: ${p0}`));
    const noPm = await call(`/api/incidents/${p2}/postmortem`);
    assert.equal(noPm.status, 404);
    assert.match(String((noPm.json().error as { message: string }).message), /not P0\/P1/);
    const missing = await call('/api/incidents/INC-nope');
    assert.equal(missing.status, 404);
    assert.equal((missing.json().error as { code: string }).code, 'RP_ERR_API_REQUEST');
    assert.equal((await call('/api/incidents/%E0%A4%A')).status, 400);
    assert.equal((await call('/api/incidents', { method: 'DELETE' })).status, 405);
    assert.equal((await call('/metrics')).text, 'not mine', 'other routes are left to the caller');
  });

  test('POST /api/maintenance needs the token, validates, and records the window', async () => {
    const body = JSON.stringify({ duration: '2h', reason: 'db upgrade' });
    assert.equal((await call('/api/maintenance', { method: 'POST', body })).status, 401);
    const auth = { authorization: 'Bearer t0ken-for-maintenance', 'content-type': 'application/json' };
    for (const bad of ['{', '[]', '{"end":"yesterday"}', '{"duration":"2h","end":"2030-01-01T00:00:00Z"}', '{"start":"2026-11-29T12:00:00Z","end":"2026-11-29T11:00:00Z"}', '{"duration":"2h","color":"red"}']) {
      const res = await call('/api/maintenance', { method: 'POST', body: bad, headers: auth });
      assert.equal(res.status, 400, bad);
      assert.equal((res.json().error as { code: string }).code, 'RP_ERR_API_REQUEST');
    }
    const ok = await call('/api/maintenance', { method: 'POST', body, headers: auth });
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.json().window, { start: new Date(clock.now()).toISOString(), end: new Date(clock.now() + 2 * HOUR).toISOString(), reason: 'db upgrade' });
    const list = (await call('/api/maintenance')).json() as { windows: { reason: string }[] };
    assert.deepEqual(list.windows.map((w) => w.reason), ['db upgrade']);
    const big = await call('/api/maintenance', { method: 'POST', body: JSON.stringify({ duration: '1h', reason: 'x'.repeat(20_000) }), headers: auth });
    assert.equal(big.status, 413);
  });
});
