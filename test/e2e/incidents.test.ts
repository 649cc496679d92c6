/**
 * Incidents acceptance through real `probe daemon` processes: an outage pages a webhook once with the runbook's
 * INCIDENT template, a restart mid-outage keeps the same incident and sends no second trigger, a recovery sends
 * INCIDENT RESOLVED after the verify window.
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

const VERIFY_WINDOW_MS = 3_000;
const INCIDENT_FIELDS = ['Status', 'Severity', 'Service', 'Impact', 'Start Time', 'Updates'];
const RESOLVED_FIELDS = ['Status', 'Severity', 'Duration', 'Root Cause', 'Resolution', 'Prevention'];

interface IncidentList {
  open: number;
  incidents: { id: string; open: boolean; status: string; severity: string }[];
}

const configFor = (api: SimulatedApi, receiver: Receiver, stateDir: string): string => `
target: ${api.url}
service: DeepTech Radar API
timeout: 2s
kubernetes: { enabled: false }
external: { openai: { enabled: false }, github: { enabled: false } }
daemon: { host: 127.0.0.1, interval: 1s, window: 4s }
incidents: { stateDir: ${JSON.stringify(stateDir)}, openAfter: 2, verifyWindow: ${VERIFY_WINDOW_MS}ms }
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

describe('incidents through the daemon process (issue 5 acceptance 1-3)', { concurrency: false }, () => {
  let api: SimulatedApi;
  let receiver: Receiver;
  let daemon: DaemonProcess | undefined;
  let config: string;
  let incidentId = '';

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
    receiver = await startReceiver();
    config = configFor(api, receiver, join(mkdtempSync(join(tmpdir(), 'rp-e2e-state-')), 'state'));
    daemon = await startDaemon(config);
    await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 10_000, 'readiness');
  });
  after(async () => {
    killOnExit(daemon);
    await receiver.close();
    await api.close();
  });

  test('an outage pages the webhook with a P0 INCIDENT within 5 s; one incident is open', async (t) => {
    assert.equal((await incidents(daemon!)).open, 0, 'healthy before the outage');
    const outageAt = Date.now();
    api.setFault(parseFault('outage'));
    const page = await receiver.waitFor((m) => m.body.kind === 'open', 5_000, 'INCIDENT trigger');
    const elapsed = page.at - outageAt;
    assert.ok(elapsed <= 5_000, `paged after ${elapsed} ms`);
    const { body, headers } = page;
    assert.equal(body.template, 'INCIDENT');
    assert.equal(body.severity, 'P0');
    assert.deepEqual(Object.keys(body.fields), INCIDENT_FIELDS);
    assert.equal(body.fields['Severity'], 'P0');
    assert.equal(body.fields['Service'], 'DeepTech Radar API');
    assert.match(body.fields['Status'] ?? '', /^(INVESTIGATING|IDENTIFIED)$/);
    assert.ok(Date.parse(body.fields['Start Time'] ?? '') >= outageAt - 1_000, 'Start Time is the outage, not the daemon start');
    assert.match(body.fields['Updates'] ?? '', new RegExp(`/api/incidents/${body.incidentId}$`));
    for (const field of INCIDENT_FIELDS) assert.match(body.text, new RegExp(`^${field}: \\S`, 'm'), `text carries "${field}:"`);
    assert.equal(headers['idempotency-key'], body.eventId);
    incidentId = body.incidentId;

    const list = await incidents(daemon!);
    assert.equal(list.open, 1, JSON.stringify(list));
    const [open] = list.incidents.filter((i) => i.open);
    assert.equal(open?.id, incidentId);
    assert.equal(open?.severity, 'P0');
    t.diagnostic(`paged ${elapsed} ms after the outage began`);
  });

  test('a restart during the outage keeps the one incident and sends no new trigger', async () => {
    assert.ok(incidentId, 'needs the incident from the previous test');
    const stopped = await daemon!.stop('SIGTERM');
    assert.equal(stopped.code, 0, daemon!.output());
    daemon = await startDaemon(config);
    await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 10_000, 'readiness after the restart');
    // a daemon that lost its state would re-open at the openAfter-th (2nd) bad evaluation: give it 4
    await evaluations(daemon, 4, 10_000);
    assert.equal(await daemon.metric('probe_severity', { severity: 'P0' }), 1, 'still in the outage');
    await waitFor('the outbox to drain', async () => ((await daemon!.metric('probe_notify_outbox_depth', {})) === 0 ? true : undefined), { timeoutMs: 5_000 });

    const list = await incidents(daemon);
    assert.equal(list.open, 1, JSON.stringify(list));
    assert.equal(list.incidents.find((i) => i.open)?.id, incidentId, 'the same incident, loaded from the state directory');
    assert.equal(triggers(receiver).length, 1, `one trigger in all: ${receiver.received.map((m) => m.body.eventId).join(', ')}`);
    assert.ok(!daemon.lines.some((l) => l.msg === 'incident opened'), 'the new process opened nothing');
  });

  test('a recovery sends INCIDENT RESOLVED after the verify window; nothing stays open', async (t) => {
    assert.ok(incidentId, 'needs the incident from the first test');
    const recoveredAt = Date.now();
    api.setFault(parseFault('none'));
    const resolved = await receiver.waitFor((m) => m.body.kind === 'resolve' && m.body.incidentId === incidentId, VERIFY_WINDOW_MS + 10_000, 'INCIDENT RESOLVED');
    const elapsed = resolved.at - recoveredAt;
    assert.ok(elapsed >= VERIFY_WINDOW_MS, `resolved ${elapsed} ms after recovery: before the verify window ended`);
    const { body } = resolved;
    assert.equal(body.template, 'INCIDENT RESOLVED');
    assert.deepEqual(Object.keys(body.fields), RESOLVED_FIELDS);
    assert.equal(body.fields['Status'], 'RESOLVED');
    assert.equal(body.fields['Severity'], 'P0');
    assert.match(body.fields['Duration'] ?? '', /^\d+ hours? \d+ minutes?$/);
    assert.notEqual(body.fields['Root Cause'], 'Not identified');
    for (const field of RESOLVED_FIELDS) assert.match(body.text, new RegExp(`^${field}: \\S`, 'm'), `text carries "${field}:"`);

    const list = await incidents(daemon!);
    assert.equal(list.open, 0, JSON.stringify(list));
    assert.equal(list.incidents.find((i) => i.id === incidentId)?.status, 'RESOLVED');
    const all = receiver.received.map((m) => `${m.body.kind} ${m.body.incidentId} ${m.body.severity} ${m.body.status}`);
    assert.equal(triggers(receiver).length, 1, `the recovery opened nothing new: ${all.join('; ')}\n${triggers(receiver).at(-1)?.body.text ?? ''}`);
    const kinds = receiver.received.filter((m) => m.body.incidentId === incidentId).map((m) => m.body.kind);
    assert.deepEqual([kinds[0], kinds.at(-1)], ['open', 'resolve'], `messages in order: ${kinds.join(', ')}`);
    t.diagnostic(`resolved ${elapsed} ms after the recovery (verify window ${VERIFY_WINDOW_MS} ms)`);
  });
});
