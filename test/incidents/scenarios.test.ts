import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { IncidentManager } from '../../src/incidents/manager.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { FakeClock, finding, healthy, HOUR, MINUTE, outage, report, sinkYaml, startReceiver, tempDir, type Receiver } from './helpers.js';

type Body = {
  kind: string;
  status: string;
  severity: string;
  previousSeverity: string | null;
  fields: Record<string, string>;
  maintenance: boolean;
  text: string;
};

describe('flapping, upgrades and maintenance windows', () => {
  let hook: Receiver;
  let state: { dir: string; remove: () => Promise<void> };
  let clock: FakeClock;
  let manager: IncidentManager;
  const bodies = (): Body[] => hook.requests.map((r) => r.json as Body);

  beforeEach(async () => {
    hook = await startReceiver();
    state = await tempDir();
    clock = new FakeClock();
    const config = testConfig(
      `incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 2, verifyWindow: 30m }\n${sinkYaml([{ type: 'webhook', url: hook.url }])}`,
    );
    manager = await IncidentManager.open({ config, log: silentLogger(), clock });
  });
  afterEach(async () => {
    await manager.close();
    await hook.close();
    await state.remove();
  });

  async function cycle(r = outage()): Promise<void> {
    clock.advance(15_000);
    await manager.evaluate(r);
  }

  test('a flapping target yields one incident and a bounded number of messages', async () => {
    await cycle();
    await cycle();
    for (let i = 0; i < 10; i++) {
      await cycle(healthy());
      await cycle();
    }
    await manager.idle();
    const incidents = manager.list();
    assert.equal(incidents.length, 1);
    assert.equal(incidents[0].status, 'IDENTIFIED', 'a relapse while monitoring goes back to IDENTIFIED');
    assert.equal(incidents[0].timeline.filter((e) => e.kind === 'relapsed').length, 10);
    // flapping during verification pages nobody again: the relapses are on the timeline only
    assert.deepEqual(
      bodies().map((b) => `${b.kind}:${b.status}`),
      ['open:IDENTIFIED'],
    );
  });

  test('INVESTIGATING → IDENTIFIED when the diagnosis finds a cause behind the symptom', async () => {
    const symptom = report([finding('api_outage', 'P0', 'every endpoint failing')]);
    await cycle(symptom);
    await cycle(symptom);
    assert.equal(manager.list()[0].status, 'INVESTIGATING');
    const identified = manager.events.next('identified');
    const update = hook.next((r) => (r.json as Body).status === 'IDENTIFIED');
    await cycle(report([finding('api_outage', 'P0'), finding('oom_killed', 'P0', 'last termination OOMKilled')]));
    assert.deepEqual((await identified)[0].causes, ['api_outage', 'oom_killed']);
    assert.match(((await update).json as Body).text, /Note: cause identified/);
    assert.deepEqual(
      bodies().map((b) => b.status),
      ['INVESTIGATING', 'IDENTIFIED'],
    );
  });

  test('a bad evaluation between good ones never opens an incident (openAfter)', async () => {
    for (let i = 0; i < 5; i++) {
      await cycle();
      await cycle(healthy());
    }
    await manager.idle();
    assert.equal(manager.list().length, 0);
    assert.equal(hook.requests.length, 0);
  });

  test('an upgrade P2 → P0 in the same family notifies with the new severity', async () => {
    const p2 = report([finding('endpoint_failure', 'P2', '/v1/papers/near failing')]);
    await cycle(p2);
    await cycle(p2);
    const upgraded = hook.next((r) => (r.json as Body).kind === 'update');
    await cycle(report([finding('high_error_rate', 'P0', 'error rate 100 %'), finding('endpoint_failure', 'P2')]));
    const body = (await upgraded).json as Body;
    assert.equal(body.severity, 'P0');
    assert.equal(body.previousSeverity, 'P2');
    assert.equal(body.fields.Severity, 'P0');
    assert.match(body.text, /Note: severity upgraded from P2 to P0/);
    const [incident] = manager.list();
    assert.equal(incident.severity, 'P0');
    assert.ok(incident.timeline.some((e) => e.kind === 'upgraded' && e.message.includes('P2 → P0')));
    // a milder evaluation afterwards does not downgrade
    await cycle(p2);
    assert.equal(manager.list()[0].severity, 'P0');
    assert.equal(manager.list().length, 1);
  });

  test('one incident per service episode whatever the families; the headline is the leading root cause', async () => {
    await cycle(report([finding('high_error_rate', 'P2', '30 % of sampled requests failed')]));
    await cycle(report([finding('high_latency', 'P2', 'p95 1.2 s')]));
    await cycle(
      report([
        finding('api_outage', 'P0', 'every endpoint failing'),
        finding('db_connection_failure', 'P0', 'database refusing connections'),
        finding('db_slow_statements', 'P3', 'statement 900 ms'),
      ]),
    );
    await manager.idle();
    const [incident, ...more] = manager.list();
    assert.equal(more.length, 0, 'errors, latency and availability findings share the one incident');
    assert.equal(incident.severity, 'P0');
    assert.deepEqual(incident.causes, ['high_latency', 'api_outage', 'db_connection_failure', 'db_slow_statements']);
    // the root cause that carries the outage's severity leads, whichever came first; an unrelated P3 never heads an outage
    assert.equal(incident.leadingCause, 'db_connection_failure');
    assert.match(incident.impact, /^Complete outage: database refusing connections$/);
    assert.deepEqual(
      bodies().map((b) => `${b.kind}:${b.severity}`),
      ['open:P2', 'update:P0'],
      'one update for the upgrade and the cause it identified',
    );
  });

  test('inside a maintenance window incidents are recorded, not paged, and say so; paging starts when it ends', async () => {
    await manager.setMaintenance({ start: new Date(clock.now()), end: new Date(clock.now() + HOUR), reason: 'database upgrade' });
    await cycle();
    await cycle();
    await manager.idle();
    assert.equal(hook.requests.length, 0, 'nothing paged during maintenance');
    const [incident] = manager.list();
    assert.equal(incident.inMaintenance, true);
    assert.ok(incident.timeline.some((e) => e.kind === 'maintenance' && /not paged: maintenance window "database upgrade"/.test(e.message)));
    // still failing when the window closes: the manager's own timer pages at the window's end
    const paged = hook.next();
    clock.advance(HOUR);
    const body = (await paged).json as Body;
    assert.equal(body.kind, 'open');
    assert.equal(body.maintenance, true);
    assert.match(body.text, /opened during a maintenance window/);
  });

  test('an incident that recovers inside the window is resolved without any message', async () => {
    await manager.setMaintenance({ start: new Date(clock.now()), end: new Date(clock.now() + 2 * HOUR), reason: 'deploy' });
    await cycle();
    await cycle();
    await cycle(healthy());
    clock.advance(31 * MINUTE);
    await manager.tick();
    await manager.idle();
    assert.equal(manager.list()[0].status, 'RESOLVED');
    assert.equal(hook.requests.length, 0);
    assert.ok(manager.list()[0].timeline.some((e) => /never paged/.test(e.message)));
  });

  test('maintenance windows from config apply too', async () => {
    await manager.close();
    const config = testConfig(
      `incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 1, maintenance: [{ start: "${new Date(clock.now() - MINUTE).toISOString()}", end: "${new Date(clock.now() + HOUR).toISOString()}", reason: planned }] }\n${sinkYaml([{ type: 'webhook', url: hook.url }])}`,
    );
    manager = await IncidentManager.open({ config, log: silentLogger(), clock });
    await cycle();
    await manager.idle();
    assert.equal(manager.list().length, 1);
    assert.equal(hook.requests.length, 0);
  });
});
