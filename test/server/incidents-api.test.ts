import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { handleIncidentApi } from '../../src/server/incidents-api.js';
import { IncidentManager } from '../../src/incidents/manager.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { FakeClock, finding, healthy, HOUR, outage, report, tempDir } from '../incidents/helpers.js';

describe('incidents HTTP API', () => {
  let server: Server;
  let base = '';
  let manager: IncidentManager;
  let state: { dir: string; remove: () => Promise<void> };
  const clock = new FakeClock();

  before(async () => {
    state = await tempDir();
    const config = testConfig(
      `incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 1, apiToken: t0ken-for-maintenance, apiTokens: [{ name: alice, token: alice-token-0123456789 }], maintenanceLimits: { windows: 3, maxDuration: 1d } }\nnotify: []\n`,
    );
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
    type Body = {
      open: number;
      incidents: { id: string; status: string; open: boolean; family: string; causes: string[] }[];
      noticesOpen: number;
      notices: { kind: string; dependency: string; open: boolean }[];
    };
    const body = res.json() as Body;
    assert.equal(body.open, 1);
    assert.deepEqual(body.incidents.map((i) => `${i.family}:${i.open}`).sort(), ['availability:false', 'latency:true']);
    assert.ok(
      body.incidents.every((i) => i.status && !i.causes.includes('external_openai_failure')),
      'a dependency failing on its own check is no cause of an incident',
    );
    assert.equal(body.noticesOpen, 1);
    assert.deepEqual(
      body.notices.map((n) => `${n.kind} ${n.dependency} ${n.open}`),
      ['notice openai true'],
    );
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

  const auth = { authorization: 'Bearer t0ken-for-maintenance', 'content-type': 'application/json' };
  const errorOf = (res: { json: () => Record<string, unknown> }): { code: string; message: string } =>
    res.json().error as { code: string; message: string };

  test('POST /api/maintenance: token, same origin and a JSON body, in that order', async () => {
    const body = JSON.stringify({ duration: '2h', reason: 'db upgrade' });
    const anonymous = await call('/api/maintenance', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    assert.equal(anonymous.status, 401);
    assert.match(errorOf(anonymous).message, /Authorization: Bearer/);
    assert.equal(
      (await call('/api/maintenance', { method: 'POST', body, headers: { ...auth, authorization: 'Bearer t0ken-for-maintenancf' } })).status,
      401,
      'a wrong token',
    );
    assert.equal(
      (await call('/api/maintenance', { method: 'POST', body, headers: { ...auth, authorization: 'Basic t0ken-for-maintenance' } })).status,
      401,
      'not a bearer token',
    );
    const crossOrigin = await call('/api/maintenance', { method: 'POST', body, headers: { ...auth, origin: 'https://evil.example' } });
    assert.equal(crossOrigin.status, 403, 'a web page may not use the token even when it has one');
    assert.match(errorOf(crossOrigin).message, /cross-origin/);
    assert.equal((await call('/api/maintenance', { method: 'POST', body, headers: { ...auth, origin: 'null' } })).status, 403);
    assert.equal((await call('/api/maintenance', { method: 'POST', body, headers: { ...auth, 'sec-fetch-site': 'cross-site' } })).status, 403);
    const plainText = await call('/api/maintenance', { method: 'POST', body, headers: { ...auth, 'content-type': 'text/plain' } });
    assert.equal(plainText.status, 415, 'a text/plain body is what a page can send without a preflight');
    assert.equal((await call('/api/maintenance', { method: 'POST', body, headers: { authorization: auth.authorization } })).status, 415);
    assert.equal(
      (await call('/api/maintenance', { method: 'POST', body, headers: { ...auth, origin: base } })).status,
      201,
      'its own origin is fine',
    );
  });

  test('POST /api/maintenance validates, requires a reason, records who set the window', async () => {
    for (const bad of [
      '{',
      '[]',
      '{"end":"yesterday","reason":"r"}',
      '{"duration":"2h","end":"2030-01-01T00:00:00Z","reason":"r"}',
      '{"start":"2026-11-29T12:00:00Z","end":"2026-11-29T11:00:00Z","reason":"r"}',
      '{"duration":"2h","color":"red","reason":"r"}',
      '{"duration":"2h"}',
      '{"duration":"2h","reason":"  "}',
    ]) {
      const res = await call('/api/maintenance', { method: 'POST', body: bad, headers: auth });
      assert.equal(res.status, 400, bad);
      assert.equal(errorOf(res).code, 'RP_ERR_API_REQUEST');
    }
    const tooLong = await call('/api/maintenance', { method: 'POST', body: JSON.stringify({ duration: '25h', reason: 'r' }), headers: auth });
    assert.equal(tooLong.status, 400);
    assert.match(errorOf(tooLong).message, /at most 1d \(incidents\.maintenanceLimits\.maxDuration\)/);
    const ok = await call('/api/maintenance', {
      method: 'POST',
      body: JSON.stringify({ duration: '2h', reason: 'db upgrade' }),
      headers: { ...auth, authorization: 'Bearer alice-token-0123456789' },
    });
    assert.equal(ok.status, 201);
    const window = ok.json().window as { id: string; by: string; source: string; start: string; end: string; reason: string };
    assert.deepEqual(
      { ...window, id: '' },
      {
        id: '',
        source: 'api',
        by: 'alice',
        start: new Date(clock.now()).toISOString(),
        end: new Date(clock.now() + 2 * HOUR).toISOString(),
        reason: 'db upgrade',
      },
    );
    const list = (await call('/api/maintenance')).json() as { windows: { id: string; reason: string; by: string }[] };
    assert.ok(list.windows.some((w) => w.id === window.id && w.by === 'alice'));
    assert.equal((await call(`/api/maintenance/${window.id}`)).status, 200);
    const big = await call('/api/maintenance', {
      method: 'POST',
      body: JSON.stringify({ duration: '1h', reason: 'x'.repeat(20_000) }),
      headers: auth,
    });
    assert.equal(big.status, 413);
  });

  test('windows are capped in number and deletable, with a reason, by token holders only', async () => {
    const post = () => call('/api/maintenance', { method: 'POST', body: JSON.stringify({ duration: '1h', reason: 'fill' }), headers: auth });
    const set = ((await call('/api/maintenance')).json().windows as unknown[]).length;
    for (let i = set; i < 3; i++) assert.equal((await post()).status, 201);
    const full = await post();
    assert.equal(full.status, 409);
    assert.match(errorOf(full).message, /maintenanceLimits\.windows.*DELETE \/api\/maintenance\/:id/);
    const [first] = (await call('/api/maintenance')).json().windows as { id: string }[];
    const del = (headers: Record<string, string>, body = JSON.stringify({ reason: 'done early' }), id = first.id) =>
      call(`/api/maintenance/${id}`, { method: 'DELETE', body, headers });
    assert.equal((await del({ 'content-type': 'application/json' })).status, 401);
    assert.equal((await del({ ...auth, origin: 'https://evil.example' })).status, 403);
    assert.equal((await del(auth, '{}')).status, 400, 'a reason is required');
    assert.equal((await del(auth, undefined, 'mw-nope')).status, 404);
    assert.equal((await del(auth)).status, 200);
    assert.equal((await call(`/api/maintenance/${first.id}`)).status, 404);
    assert.equal((await post()).status, 201, 'room again');
    assert.equal((await call(`/api/maintenance/${first.id}`, { method: 'PUT' })).status, 405);
  });

  test('with no token configured, every change is off (405 naming the key), not open', async () => {
    const dir = await tempDir();
    const off = await IncidentManager.open({
      config: testConfig(`incidents: { stateDir: ${JSON.stringify(dir.dir)} }\nnotify: []\n`),
      log: silentLogger(),
      clock,
    });
    const bare = createServer((req, res) => void handleIncidentApi(off, req, res, new URL(req.url ?? '/', 'http://localhost')));
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', () => resolve()));
    try {
      const url = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/api/maintenance`;
      for (const [method, path] of [
        ['POST', ''],
        ['DELETE', '/mw-0123'],
      ] as const) {
        const res = await request(`${url}${path}`, {
          method,
          body: '{"duration":"1h","reason":"r"}',
          headers: { 'content-type': 'application/json', authorization: 'Bearer anything' },
        });
        const text = await res.body.text();
        assert.equal(res.statusCode, 405, `${method} ${text}`);
        assert.match(text, /control API is off.*incidents\.apiTokens/);
      }
      const read = await request(url);
      assert.equal(read.statusCode, 200, 'reading stays open');
      await read.body.dump();
      assert.deepEqual(off.maintenanceWindows(), []);
    } finally {
      await new Promise((resolve) => bare.close(resolve));
      await off.close();
      await dir.remove();
    }
  });
});
