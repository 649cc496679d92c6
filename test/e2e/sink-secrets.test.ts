/**
 * Issue 14 acceptance 5: sinks that echo their credentials (URL userinfo and query token, Slack webhook path,
 * routing key, Authorization header) in their error bodies. Nothing secret may reach /api/incidents, a timeline,
 * the post-mortem, the dead-letter list, any file in the state directory, or the daemon's log.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { parseFault } from '../../src/demo/faults.js';
import { killOnExit, startDaemon, type DaemonProcess } from '../daemon/harness.js';
import { fastDaemonYaml } from './fast-daemon.js';

const SECRETS = {
  userinfo: 'hookpass-5f1c2a9e7b',
  query: 'qtok-8d7e6f5a4b3c2d1e',
  header: 'hdr-bearer-0a1b2c3d4e5f',
  signing: 'signing-secret-77aa88bb',
  slackPath: 'Xslack0secret0path0abcdef',
  routingKey: 'R0UTINGKEY0123456789abcdef012345',
};

/** Echoes everything it was sent, the way a misconfigured proxy or a chatty API does, and refuses. */
async function startEcho(): Promise<{ server: Server; port: number; echoed: () => string }> {
  let echoed = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = `upstream said no: ${req.method} ${req.url} headers=${JSON.stringify(req.headers)} body=${Buffer.concat(chunks).toString('utf8').slice(0, 400)}`;
      echoed += body;
      // the Slack stand-in refuses for good (a dead letter), the others ask for a retry
      res.writeHead(req.url?.startsWith('/services/') ? 400 : 503, { 'content-type': 'text/plain' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, echoed: () => echoed };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function assertClean(where: string, text: string): void {
  for (const [name, secret] of Object.entries(SECRETS))
    assert.ok(
      !text.includes(secret),
      `${where} contains the ${name} secret:\n${text.slice(Math.max(0, text.indexOf(secret) - 300), text.indexOf(secret) + 100)}`,
    );
}

describe('secrets echoed by sinks are redacted everywhere (issue 14 acceptance 5)', () => {
  let api: SimulatedApi;
  let echo: Awaited<ReturnType<typeof startEcho>>;
  let daemon: DaemonProcess | undefined;
  const stateDir = join(mkdtempSync(join(tmpdir(), 'rp-e2e-secrets-')), 'state');

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
    echo = await startEcho();
  });
  after(async () => {
    killOnExit(daemon);
    echo.server.closeAllConnections();
    echo.server.close();
    await api.close();
  });

  test('an outage pages three echoing sinks; the API, post-mortem, state files and log hold no secret', async () => {
    const base = `http://127.0.0.1:${echo.port}`;
    const retry = '{ initial: 100ms, max: 300ms }';
    daemon = await startDaemon(
      fastDaemonYaml({
        target: api.url,
        stateDir,
        notify: [
          `{ type: webhook, name: hook, url: "http://radar:${SECRETS.userinfo}@127.0.0.1:${echo.port}/hook?token=${SECRETS.query}", secret: ${SECRETS.signing}, headers: { Authorization: "Bearer ${SECRETS.header}" }, retry: ${retry} }`,
          `{ type: slack, name: chat, url: "${base}/services/T0AAAA/B0BBBB/${SECRETS.slackPath}", retry: ${retry} }`,
          `{ type: pagerduty, name: pager, url: "${base}/v2/enqueue", routingKey: ${SECRETS.routingKey}, retry: ${retry} }`,
        ],
      }),
    );
    api.setFault(parseFault('outage'));
    for (const sink of ['hook', 'pager'])
      await daemon.waitFor((l) => l.sink === sink && /will retry/.test(l.msg), 20_000, `a retried delivery to ${sink}`);
    await daemon.waitFor((l) => l.sink === 'chat' && /rejected/.test(l.msg), 20_000, 'the rejected Slack delivery');
    // the stand-in really did echo the secrets back: otherwise this test proves nothing (userinfo never reaches a server)
    for (const secret of [SECRETS.query, SECRETS.header, SECRETS.slackPath, SECRETS.routingKey])
      assert.ok(echo.echoed().includes(secret) || echo.echoed().includes(encodeURIComponent(secret)), secret);

    const list = await daemon.get('/api/incidents');
    assertClean('/api/incidents', list.text);
    const ids = (JSON.parse(list.text) as { incidents: { id: string; severity: string }[] }).incidents;
    assert.ok(ids.length > 0, list.text);
    for (const { id, severity } of ids) {
      const one = await daemon.get(`/api/incidents/${id}`);
      assert.match(one.text, /delivery-failed/, 'the timeline records the failures');
      assertClean(`/api/incidents/${id}`, one.text);
      if (severity === 'P0' || severity === 'P1') assertClean(`post-mortem of ${id}`, (await daemon.get(`/api/incidents/${id}/postmortem`)).text);
    }
    const dead = await daemon.get('/api/deliveries/dead');
    assert.match(dead.text, /chat/);
    assertClean('/api/deliveries/dead', dead.text);
    assert.equal((await daemon.stop('SIGTERM')).code, 0);
    for (const file of filesUnder(stateDir)) assertClean(file, readFileSync(file, 'utf8'));
    assertClean('the daemon log', daemon.output());
  });
});
