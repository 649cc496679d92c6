/**
 * One outage, one page — through real `probe daemon` processes (interval 1 s, openAfter 2, verifyWindow 4 s, one
 * webhook sink, the daemon's default 5-minute rolling window) against the simulated API:
 * 1. an outage with a SIGTERM + restart in the middle pages once (the runbook's INCIDENT template), keeps one
 *    incident and resolves within verifyWindow + 2 × interval + 1 s of the recovery, although the window still
 *    holds the outage's failed samples;
 * 2. errors at 30 % open a P2 that an outage raises to P0 with one update, and one resolve ends it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { parseFault } from '../../src/demo/faults.js';
import { killOnExit, startDaemon, type DaemonProcess } from '../daemon/harness.js';
import { waitFor } from '../helpers/prometheus-server.js';
import { startReceiver, triggers, type Receiver } from './receiver.js';

const INTERVAL_MS = 1_000;
const VERIFY_WINDOW_MS = 4_000;
/** the acceptance bound: resolved within verifyWindow + 2 × interval + 1 s of the API's recovery */
const RESOLVE_WITHIN_MS = VERIFY_WINDOW_MS + 2 * INTERVAL_MS + 1_000;
const INCIDENT_FIELDS = ['Status', 'Severity', 'Service', 'Impact', 'Start Time', 'Updates'];
const RESOLVED_FIELDS = ['Status', 'Severity', 'Duration', 'Root Cause', 'Resolution', 'Prevention'];

interface IncidentList {
  open: number;
  incidents: { id: string; open: boolean; status: string; severity: string; leadingCause: string | null }[];
}

const configFor = (api: SimulatedApi, receiver: Receiver): string => `
target: ${api.url}
service: DeepTech Radar API
timeout: 2s
kubernetes: { enabled: false }
daemon: { host: 127.0.0.1, interval: ${INTERVAL_MS}ms }
incidents: { stateDir: ${JSON.stringify(join(mkdtempSync(join(tmpdir(), 'rp-e2e-state-')), 'state'))}, openAfter: 2, verifyWindow: ${VERIFY_WINDOW_MS}ms }
notify:
  - { type: webhook, url: ${JSON.stringify(receiver.url)}, retry: { initial: 200ms, max: 1s } }
`;

async function incidents(daemon: DaemonProcess): Promise<IncidentList> {
  const { status, text } = await daemon.get('/api/incidents');
  assert.equal(status, 200, text);
  return JSON.parse(text) as IncidentList;
}

/** Resolves once the daemon has completed `n` more evaluations (incidents included) than it had when called. */
async function evaluations(daemon: DaemonProcess, n: number, timeoutMs: number): Promise<void> {
  const count = async (): Promise<number> => (await daemon.metric('probe_evaluations_total', {})) ?? 0;
  const from = await count();
  await waitFor(`${n} evaluations`, async () => ((await count()) >= from + n ? true : undefined), { timeoutMs, everyMs: 100 });
}

const story = (receiver: Receiver): string =>
  receiver.received.map((m) => `${m.body.kind}:${m.body.severity}:${m.body.status} ${m.body.incidentId}`).join('; ');

async function started(yaml: string): Promise<DaemonProcess> {
  const daemon = await startDaemon(yaml);
  await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 10_000, 'readiness');
  return daemon;
}

describe('one outage, one page (issue 13 acceptance 1)', { concurrency: false }, () => {
  let api: SimulatedApi;
  let receiver: Receiver;
  let daemon: DaemonProcess | undefined;
  let config: string;
  let incidentId = '';

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
    receiver = await startReceiver();
    config = configFor(api, receiver);
    daemon = await started(config);
  });
  after(async () => {
    killOnExit(daemon);
    await receiver.close();
    await api.close();
  });

  test('an outage pages the webhook once with a P0 INCIDENT', async (t) => {
    assert.equal((await incidents(daemon!)).open, 0, 'healthy before the outage');
    const outageAt = Date.now();
    api.setFault(parseFault('outage'));
    const page = await receiver.waitFor((m) => m.body.kind === 'open', 5_000, 'INCIDENT trigger');
    const { body, headers } = page;
    assert.equal(body.template, 'INCIDENT');
    assert.equal(body.severity, 'P0');
    assert.deepEqual(Object.keys(body.fields), INCIDENT_FIELDS);
    assert.equal(body.fields['Service'], 'DeepTech Radar API');
    assert.match(body.fields['Impact'] ?? '', /^Complete outage: DeepTech Radar API is down/, 'the headline is the outage, not a dependency');
    assert.ok(Date.parse(body.fields['Start Time'] ?? '') >= outageAt - 1_000, 'Start Time is the outage, not the daemon start');
    assert.match(body.fields['Updates'] ?? '', new RegExp(`/api/incidents/${body.incidentId}$`));
    for (const field of INCIDENT_FIELDS) assert.match(body.text, new RegExp(`^${field}: \\S`, 'm'), `text carries "${field}:"`);
    assert.equal(headers['idempotency-key'], body.eventId);
    incidentId = body.incidentId;
    t.diagnostic(`paged ${page.at - outageAt} ms after the outage began`);
  });

  test('a SIGTERM + restart during the outage continues the one incident and pages nobody again', async () => {
    assert.ok(incidentId, 'needs the incident from the previous test');
    const stopped = await daemon!.stop('SIGTERM');
    assert.equal(stopped.code, 0, daemon!.output());
    daemon = await started(config);
    // a daemon that lost its state or its grouping would open again at the openAfter-th (2nd) bad evaluation
    await evaluations(daemon, 4, 10_000);
    const list = await incidents(daemon);
    assert.deepEqual(
      list.incidents.map((i) => `${i.id} ${i.open}`),
      [`${incidentId} true`],
      'the same incident, loaded from the state directory',
    );
    assert.equal(triggers(receiver).length, 1, story(receiver));
  });

  test(`the recovery resolves it within verifyWindow + 2 × interval + 1 s (${RESOLVE_WITHIN_MS} ms); the window's echo opens nothing`, async (t) => {
    assert.ok(incidentId, 'needs the incident from the first test');
    const recoveredAt = Date.now();
    api.setFault(parseFault('none'));
    const resolved = await receiver.waitFor((m) => m.body.kind === 'resolve', RESOLVE_WITHIN_MS + 5_000, 'INCIDENT RESOLVED');
    const elapsed = resolved.at - recoveredAt;
    assert.ok(elapsed <= RESOLVE_WITHIN_MS, `resolved ${elapsed} ms after the recovery: the rolling window held it open`);
    // verification counts from the first evaluation that saw only clean samples: at most one interval before them
    assert.ok(elapsed >= VERIFY_WINDOW_MS - INTERVAL_MS, `resolved ${elapsed} ms after the recovery: before the verify window could hold`);
    const { body } = resolved;
    assert.equal(body.incidentId, incidentId);
    assert.equal(body.template, 'INCIDENT RESOLVED');
    assert.deepEqual(Object.keys(body.fields), RESOLVED_FIELDS);
    assert.equal(body.fields['Severity'], 'P0');
    assert.notEqual(body.fields['Root Cause'], 'Not identified');

    // the 5-minute window still holds the outage's 503s: they are no new episode
    await evaluations(daemon!, 3, 10_000);
    const list = await incidents(daemon!);
    assert.deepEqual(
      list.incidents.map((i) => `${i.id} ${i.status}`),
      [`${incidentId} RESOLVED`],
      'one incident for the whole episode',
    );
    const kinds = receiver.received.map((m) => m.body.kind);
    assert.equal(kinds.filter((k) => k === 'open').length, 1, story(receiver));
    assert.equal(kinds.filter((k) => k === 'resolve').length, 1, story(receiver));
    assert.ok(kinds.filter((k) => k === 'update').length <= 2, `at most a few updates: ${story(receiver)}`);
    assert.deepEqual([kinds[0], kinds.at(-1)], ['open', 'resolve'], story(receiver));
    t.diagnostic(`resolved ${elapsed} ms after the recovery; messages: ${story(receiver)}`);
  });
});

describe('errors then an outage: one incident raised to P0 (issue 13 acceptance 2)', { concurrency: false }, () => {
  let api: SimulatedApi;
  let receiver: Receiver;
  let daemon: DaemonProcess | undefined;

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
    receiver = await startReceiver();
    daemon = await started(configFor(api, receiver));
  });
  after(async () => {
    killOnExit(daemon);
    await receiver.close();
    await api.close();
  });

  test('30 % errors open a P2; an outage raises the same incident to P0 with one update; the recovery resolves it once', async (t) => {
    api.setFault(parseFault('errors=0.3'));
    const opened = await receiver.waitFor((m) => m.body.kind === 'open', 10_000, 'the P2 trigger');
    assert.equal(opened.body.severity, 'P2', story(receiver));
    const id = opened.body.incidentId;

    api.setFault(parseFault('outage'));
    const raised = await receiver.waitFor((m) => m.body.severity === 'P0', 6_000, 'the P0 update');
    assert.equal(raised.body.kind, 'update', story(receiver));
    assert.equal(raised.body.incidentId, id, 'the same incident, raised');

    const recoveredAt = Date.now();
    api.setFault(parseFault('none'));
    const resolved = await receiver.waitFor((m) => m.body.kind === 'resolve', RESOLVE_WITHIN_MS + 5_000, 'INCIDENT RESOLVED');
    assert.ok(resolved.at - recoveredAt <= RESOLVE_WITHIN_MS, `resolved ${resolved.at - recoveredAt} ms after the recovery`);
    await evaluations(daemon!, 2, 10_000);
    assert.deepEqual(
      receiver.received.map((m) => `${m.body.incidentId} ${m.body.kind}:${m.body.severity}`),
      [`${id} open:P2`, `${id} update:P0`, `${id} resolve:P0`],
      'one trigger, one update for the raise, one resolve',
    );
    assert.deepEqual(
      (await incidents(daemon!)).incidents.map((i) => i.id),
      [id],
      'no second incident',
    );
    t.diagnostic(story(receiver));
  });
});
