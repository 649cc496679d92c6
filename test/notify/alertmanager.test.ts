import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { IncidentManager } from '../../src/incidents/manager.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { alertmanagerAvailable, startAlertmanager, type RunningAlertmanager } from '../helpers/alertmanager.js';
import { FakeClock, finding, healthy, MINUTE, outage, report, sinkYaml, startReceiver, tempDir } from '../incidents/helpers.js';

describe('Alertmanager v2 (real binary)', { skip: alertmanagerAvailable() ? false : 'prometheus-alertmanager is not installed' }, () => {
  let am: RunningAlertmanager;
  let state: { dir: string; remove: () => Promise<void> };
  let manager: IncidentManager;

  before(async () => {
    am = await startAlertmanager();
    state = await tempDir();
    // real clock: Alertmanager judges startsAt/endsAt against its own wall clock
    const config = testConfig(
      `incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 1, verifyWindow: 0s }\n${sinkYaml([{ type: 'alertmanager', url: am.url, generatorUrl: 'http://radar-probe.test/api/incidents' }])}`,
    );
    manager = await IncidentManager.open({ config, log: silentLogger() });
  });
  after(async () => {
    await manager?.close();
    await am?.stop();
    await state?.remove();
  });

  test('an incident becomes an active alert with the incident labels and runbook annotations', async () => {
    const sent = manager.events.next('notified', (e) => e.kind === 'open');
    await manager.evaluate(outage());
    await sent;
    const id = manager.list()[0].id;
    const alert = (await am.alerts()).find((a) => a.labels.incident === id);
    assert.ok(alert, 'alertmanager lists the alert');
    assert.equal(alert.status.state, 'active');
    assert.deepEqual(alert.labels, {
      alertname: 'RadarProbeIncident',
      severity: 'P0',
      service: 'DeepTech Radar API',
      family: 'availability',
      incident: id,
    });
    assert.match(alert.annotations.summary, /^P0 DeepTech Radar API availability incident/);
    assert.match(alert.annotations.description, /^INCIDENT\n/);
    assert.match(alert.annotations.runbook, /Runbook section for db_connection_failure/);
  });

  test('resolving sends endsAt and the alert is no longer active', async () => {
    const id = manager.list()[0].id;
    const sent = manager.events.next('notified', (e) => e.kind === 'resolve');
    await manager.evaluate(healthy());
    await sent;
    const still = (await am.alerts()).filter((a) => a.labels.incident === id && a.status.state === 'active' && Date.parse(a.endsAt) > Date.now());
    assert.deepEqual(still, []);
  });

  test('an upgrade leaves only the new severity active', async () => {
    const opened = manager.events.next('notified', (e) => e.kind === 'open');
    await manager.evaluate(report([finding('high_error_rate', 'P2')]));
    await opened;
    const upgraded = manager.events.next('notified', (e) => e.kind === 'update');
    await manager.evaluate(report([finding('high_error_rate', 'P0')]));
    await upgraded;
    const id = manager.list().find((i) => i.open)!.id;
    const active = (await am.alerts()).filter((a) => a.labels.incident === id && Date.parse(a.endsAt) > Date.now());
    assert.deepEqual(
      active.map((a) => a.labels.severity),
      ['P0'],
    );
  });
});

describe('Alertmanager re-send (fake clock, recording receiver)', () => {
  test('firing alerts are re-posted every resendEvery, and not after the resolve', async () => {
    const receiver = await startReceiver();
    const state = await tempDir();
    const clock = new FakeClock();
    const config = testConfig(
      `incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 1, verifyWindow: 10m }\n${sinkYaml([{ type: 'alertmanager', url: receiver.url, resendEvery: '1m' }])}`,
    );
    const manager = await IncidentManager.open({ config, log: silentLogger(), clock });
    try {
      await manager.evaluate(outage());
      await manager.idle();
      assert.equal(receiver.requests.length, 1);
      for (let i = 0; i < 5; i++) {
        clock.advance(MINUTE);
        await manager.idle();
      }
      assert.equal(receiver.requests.length, 6, 'one re-send per minute');
      assert.ok(receiver.requests.every((r) => r.url === '/api/v2/alerts'));
      const resent = receiver.requests[3].json as { labels: Record<string, string>; endsAt?: string }[];
      assert.equal(resent[0].endsAt, undefined);
      await manager.evaluate(healthy());
      clock.advance(10 * MINUTE);
      await manager.idle();
      const count = receiver.requests.length;
      const last = receiver.requests.at(-1)!.json as { endsAt?: string }[];
      assert.ok(last[0].endsAt, 'the resolve carries endsAt');
      clock.advance(10 * MINUTE);
      await manager.idle();
      assert.equal(receiver.requests.length, count, 'no re-send after the resolve');
      assert.equal(manager.metrics().notifications.find((c) => c.outcome === 'resent')?.count !== undefined, true);
    } finally {
      await manager.close();
      await receiver.close();
      await state.remove();
    }
  });
});
