/**
 * Issue 14 acceptance 1 through real `probe daemon` processes: an anonymous, cross-origin or text/plain request to
 * anything that changes state is refused (401/403/405/415), nothing is silenced, and a P0 outage afterwards pages
 * the webhook. Once with the control API off (no token: the shipped configs), once with it on.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { parseFault } from '../../src/demo/faults.js';
import { killOnExit, startDaemon, type DaemonProcess } from '../daemon/harness.js';
import { startReceiver, type Receiver } from './receiver.js';

const TOKEN = 'e2e-control-token-0123456789';

const configFor = (api: SimulatedApi, receiver: Receiver, token: string): string => `
target: ${api.url}
service: DeepTech Radar API
timeout: 2s
kubernetes: { enabled: false }
external: { openai: { enabled: false }, github: { enabled: false } }
daemon: { interval: 1s, window: 4s }
incidents: { stateDir: ${JSON.stringify(join(mkdtempSync(join(tmpdir(), 'rp-e2e-control-')), 'state'))}, openAfter: 2${token ? `, apiTokens: [{ name: ops, token: ${token} }]` : ''} }
notify:
  - { type: webhook, url: ${JSON.stringify(receiver.url)}, retry: { initial: 200ms, max: 1s } }
`;

const SILENCE = JSON.stringify({ duration: '7d', reason: 'nothing to see' });

/** Every way a web page or an anonymous caller could try to change state, and the statuses that refuse it. */
function attacks(): { what: string; method: string; path: string; headers: Record<string, string>; body?: string }[] {
  const json = { 'content-type': 'application/json' };
  const bearer = { authorization: `Bearer ${TOKEN}` };
  return [
    { what: 'anonymous JSON', method: 'POST', path: '/api/maintenance', headers: json, body: SILENCE },
    {
      what: 'anonymous text/plain from a page',
      method: 'POST',
      path: '/api/maintenance',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example' },
      body: SILENCE,
    },
    {
      what: 'cross-origin with the token',
      method: 'POST',
      path: '/api/maintenance',
      headers: { ...json, ...bearer, origin: 'https://evil.example' },
      body: SILENCE,
    },
    {
      what: 'cross-site fetch with the token',
      method: 'POST',
      path: '/api/maintenance',
      headers: { ...json, ...bearer, 'sec-fetch-site': 'cross-site' },
      body: SILENCE,
    },
    {
      what: 'a wrong token',
      method: 'POST',
      path: '/api/maintenance',
      headers: { ...json, authorization: 'Bearer e2e-control-token-0123456780' },
      body: SILENCE,
    },
    { what: 'anonymous DELETE', method: 'DELETE', path: '/api/maintenance/mw-000000000000', headers: json, body: '{"reason":"x"}' },
    ...['/api/incidents', '/api/incidents/INC-1', '/', '/metrics', '/probe', '/healthz'].flatMap((path) =>
      ['POST', 'PUT', 'PATCH', 'DELETE'].map((method) => ({ what: 'anonymous', method, path, headers: json, body: SILENCE })),
    ),
  ];
}

describe('nobody silences the pager through the HTTP surface (issue 14 acceptance 1)', { concurrency: false }, () => {
  let api: SimulatedApi;
  let receiver: Receiver;
  let daemon: DaemonProcess | undefined;

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
    receiver = await startReceiver();
  });
  after(async () => {
    killOnExit(daemon);
    await receiver.close();
    await api.close();
  });

  for (const token of ['', TOKEN]) {
    test(`control API ${token ? 'on (a token is set)' : 'off (no token)'}: every attempt refused, then a P0 outage pages`, async (t) => {
      api.setFault(parseFault('none'));
      daemon = await startDaemon(configFor(api, receiver, token));
      await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 10_000, 'readiness');
      const started = await daemon.waitFor((l) => l.msg === 'daemon started');
      assert.deepEqual([new URL(daemon.url).hostname, started['listen']], ['127.0.0.1', '127.0.0.1'], 'no daemon.listen: loopback');
      assert.match(String(started['reachable']), /this machine only/, 'the startup line says who can reach it');
      for (const attack of attacks()) {
        const res = await fetch(`${daemon.url}${attack.path}`, {
          method: attack.method,
          headers: attack.headers,
          ...(attack.body ? { body: attack.body } : {}),
        });
        const text = await res.text();
        const expected = token ? [401, 403, 405, 415] : [401, 403, 405];
        assert.ok(expected.includes(res.status), `${attack.what} ${attack.method} ${attack.path} → ${res.status} ${text}`);
        if (!token && attack.path.startsWith('/api/maintenance'))
          assert.match(text, /control API is off.*incidents\.apiTokens/, 'the 405 says how to enable it');
      }
      assert.deepEqual((JSON.parse((await daemon.get('/api/maintenance')).text) as { windows: unknown[] }).windows, [], 'nothing silenced');
      if (token) {
        const refusals = daemon.lines.filter((l) => l.msg === 'control API request refused');
        assert.ok(refusals.length >= 5, 'refused attempts are logged');
        assert.ok(!daemon.output().includes(TOKEN), 'the token never reaches the log');
      }

      const outageAt = Date.now();
      api.setFault(parseFault('outage'));
      // a slow machine may have opened a latency incident first: the P0 page is what matters, new or upgraded
      const page = await receiver.waitFor(
        (m) => m.at >= outageAt && m.body.severity === 'P0' && m.body.kind !== 'resolve',
        5_000,
        'a P0 INCIDENT page after the attempts',
      );
      assert.equal(page.body.template, 'INCIDENT');
      t.diagnostic(`paged ${page.at - outageAt} ms after the outage began`);
      assert.equal((await daemon.stop('SIGTERM')).code, 0, daemon.output());
      daemon = undefined;
    });
  }

  test('with a token, the holder sets a window with a reason, and the log says who and why', async () => {
    api.setFault(parseFault('none'));
    daemon = await startDaemon(configFor(api, receiver, TOKEN));
    const res = await fetch(`${daemon.url}/api/maintenance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ duration: '30m', reason: 'database upgrade' }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { window } = (await res.json()) as { window: { id: string; by: string } };
    assert.equal(window.by, 'ops');
    const set = await daemon.waitFor((l) => l.msg === 'maintenance window set: incidents are recorded, not paged', 5_000, 'the change log line');
    assert.deepEqual([set['by'], set['reason'], set['id']], ['ops', 'database upgrade', window.id]);
    const del = await fetch(`${daemon.url}/api/maintenance/${window.id}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{"reason":"upgrade done"}',
    });
    assert.equal(del.status, 200, await del.text());
    const deleted = await daemon.waitFor((l) => l.msg === 'maintenance window deleted: paging as usual', 5_000, 'the delete log line');
    assert.deepEqual([deleted['by'], deleted['reason']], ['ops', 'upgrade done']);
    assert.equal((await daemon.stop('SIGTERM')).code, 0, daemon.output());
    daemon = undefined;
  });
});
