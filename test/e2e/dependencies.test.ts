/**
 * Dependencies don't page on their own — through real `probe daemon` processes:
 * 3. a healthy API with OpenAI answering 503 is a dependency notice (API, metrics, status page, the notices sink),
 *    never a page; once /v1/papers/near fails too, one incident opens, led by the OpenAI failure;
 * 4. a config holding only `target:` probes no third party and stays at zero incidents on a healthy API.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { parseFault } from '../../src/demo/faults.js';
import { killOnExit, startDaemon, writeConfig, type DaemonProcess } from '../daemon/harness.js';
import { runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/prometheus-server.js';
import { startOpenAiStandIn, type ProviderStandIn } from '../helpers/providers.js';
import { startReceiver, type Receiver } from './receiver.js';

interface Listing {
  open: number;
  incidents: { id: string; open: boolean; severity: string; leadingCause: string | null; impact: string; causes: string[] }[];
  noticesOpen: number;
  notices: { id: string; kind: string; dependency: string; open: boolean; summary: string }[];
}

async function listing(daemon: DaemonProcess): Promise<Listing> {
  const { status, text } = await daemon.get('/api/incidents');
  assert.equal(status, 200, text);
  return JSON.parse(text) as Listing;
}

async function evaluations(daemon: DaemonProcess, n: number, timeoutMs: number): Promise<void> {
  const count = async (): Promise<number> => (await daemon.metric('probe_evaluations_total', {})) ?? 0;
  const from = await count();
  await waitFor(`${n} evaluations`, async () => ((await count()) >= from + n ? true : undefined), { timeoutMs, everyMs: 50 });
}

const stateDir = (): string => join(mkdtempSync(join(tmpdir(), 'rp-e2e-deps-')), 'state');

describe('a failing dependency is a notice until the service fails because of it (issue 13 acceptance 3)', { concurrency: false }, () => {
  let api: SimulatedApi;
  let openai: ProviderStandIn;
  let pager: Receiver;
  let noticeSink: Receiver;
  let daemon: DaemonProcess | undefined;

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
    openai = await startOpenAiStandIn();
    openai.mode = '5xx';
    pager = await startReceiver();
    noticeSink = await startReceiver();
    daemon = await startDaemon(`
target: ${api.url}
timeout: 2s
kubernetes: { enabled: false }
external: { openai: { url: ${JSON.stringify(openai.baseUrl)}, apiKey: sk-test-key-for-the-stand-in } }
daemon: { host: 127.0.0.1, interval: 1s }
incidents: { stateDir: ${JSON.stringify(stateDir())}, openAfter: 2, verifyWindow: 4s }
notify:
  - { type: webhook, name: pager, url: ${JSON.stringify(pager.url)}, retry: { initial: 200ms, max: 1s } }
  - { type: webhook, name: notices, url: ${JSON.stringify(noticeSink.url)}, notices: true, minSeverity: P0, retry: { initial: 200ms, max: 1s } }
`);
    await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 10_000, 'readiness');
  });
  after(async () => {
    killOnExit(daemon);
    await pager.close();
    await noticeSink.close();
    await openai.close();
    await api.close();
  });

  test('OpenAI answering 503 on a healthy API: a notice in the API, the metrics and the status page; no page', async () => {
    const notice = await waitFor(
      'an open OpenAI notice',
      async () => (await listing(daemon!)).notices.find((n) => n.open && n.dependency === 'openai'),
      { timeoutMs: 10_000, everyMs: 100 },
    );
    assert.equal(notice.kind, 'notice');
    assert.match(notice.summary, /OpenAI answering 503/);
    const message = await noticeSink.waitFor((m) => m.body.incidentId === notice.id, 5_000, 'the notice on the notices sink');
    assert.equal(message.body.template, 'DEPENDENCY NOTICE');
    // several evaluations later: still no incident, nothing paged
    await evaluations(daemon!, 3, 10_000);
    const list = await listing(daemon!);
    assert.equal(list.open, 0, JSON.stringify(list));
    assert.equal(list.incidents.length, 0, JSON.stringify(list.incidents));
    assert.equal(list.noticesOpen, 1);
    assert.equal(await daemon!.metric('probe_dependency_notices_open', {}), 1);
    for (const severity of ['P0', 'P1', 'P2', 'P3']) assert.equal(await daemon!.metric('probe_incidents_open', { severity }), 0, severity);
    // what the status page shows (docs/status-page.md)
    const status = JSON.parse((await daemon!.get('/api/status')).text) as {
      openIncidents: unknown[];
      notices: { dependency: string; open: boolean; summary: string }[];
    };
    assert.deepEqual(status.openIncidents, []);
    assert.ok(
      status.notices.some((n) => n.dependency === 'openai' && n.open && /OpenAI answering 503/.test(n.summary)),
      JSON.stringify(status.notices),
    );
    assert.equal(pager.received.length, 0, `paged: ${pager.received.map((m) => m.body.fields['Impact']).join('; ')}`);
  });

  test('then /v1/papers/near fails too: one incident, led by the OpenAI failure', async () => {
    api.setFault(parseFault('near-fail'));
    const page = await pager.waitFor((m) => m.body.kind === 'open', 10_000, 'the incident trigger');
    assert.match(page.body.fields['Impact'] ?? '', /papers-near failing.*OpenAI answering 503/, 'the headline names the dependency');
    const list = await listing(daemon!);
    assert.equal(list.incidents.length, 1, JSON.stringify(list.incidents));
    const [incident] = list.incidents;
    assert.equal(incident.leadingCause, 'external_openai_failure');
    assert.ok(incident.causes.includes('endpoint_failure'), `the symptom is recorded too: ${incident.causes.join(', ')}`);
    assert.equal(pager.received.filter((m) => m.body.kind === 'open').length, 1);
  });
});

describe('a config holding only target: probes no third party (issue 13 acceptance 4)', () => {
  let api: SimulatedApi;
  let daemon: DaemonProcess | undefined;

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
  });
  after(async () => {
    killOnExit(daemon);
    await api.close();
  });

  test('25 evaluations of a healthy API: OpenAI and GitHub not probed, zero incidents, zero notices', async (t) => {
    // Equivalence with "5 minutes at the default 15 s interval" (20 evaluations): incidents open on a count of
    // consecutive bad evaluations (openAfter), not on wall time, so 25 evaluations at 200 ms ask the same question
    // more often. Only the interval differs from a `target:`-only file. Whether this machine has egress or not,
    // OpenAI and GitHub must not be probed at all (skipped), so no answer of theirs can open anything.
    const yaml = `target: ${api.url}\ndaemon: { interval: 200ms }\n`;
    daemon = await startDaemon(yaml);
    await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 10_000, 'readiness');
    await evaluations(daemon, 25, 20_000);
    const list = await listing(daemon);
    assert.equal(list.incidents.length, 0, JSON.stringify(list.incidents));
    assert.equal(list.notices.length, 0, JSON.stringify(list.notices));
    const results = JSON.parse((await daemon.get('/api/results')).text) as { probes: { name: string; status: string; reason?: string }[] };
    for (const name of ['openai', 'github']) {
      const probe = results.probes.find((p) => p.name === name);
      assert.equal(probe?.status, 'skipped', `${name}: ${JSON.stringify(probe)}`);
    }

    const check = await runCli(['check-config', '--config', writeConfig(mkdtempSync(join(tmpdir(), 'rp-e2e-cfg-')), yaml)]);
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /^ {2}openai {5}off \(not named under external: nor given in the environment/m);
    assert.match(check.stdout, /^ {2}github {5}off \(not named under external: nor given in the environment/m);
    t.diagnostic(
      check.stdout
        .split('\n')
        .filter((l) => /openai|github/.test(l))
        .join(' | '),
    );
  });
});
