import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { IncidentManager } from '../../src/incidents/manager.js';
import { silentLogger } from '../../src/support/log.js';
import { signBody } from '../../src/notify/sinks/webhook.js';
import { testConfig } from '../helpers/context.js';
import { FakeClock, healthy, MINUTE, outage, report, finding, latency, sinkYaml, startReceiver, tempDir, type Receiver } from './helpers.js';

type Body = {
  template: string;
  kind: string;
  fields: Record<string, string>;
  text: string;
  eventId: string;
  severity: string;
  status: string;
  findings: { cause: string; actions: string[] }[];
};

describe('incident lifecycle against a real webhook receiver', () => {
  let hook: Receiver;
  let state: { dir: string; remove: () => Promise<void> };
  const clock = new FakeClock();
  const config = () =>
    testConfig(
      `service: DeepTech Radar API\nincidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 2, verifyWindow: 30m }\n${sinkYaml([{ type: 'webhook', url: hook.url, secret: 'whsec-test' }])}`,
    );
  let manager: IncidentManager;
  let incidentId = '';

  before(async () => {
    hook = await startReceiver();
    state = await tempDir();
    manager = await IncidentManager.open({ config: config(), log: silentLogger(), clock });
  });
  after(async () => {
    await manager.close();
    await hook.close();
    await state.remove();
  });

  test('1. two bad evaluations open one P0 incident and page it with the INCIDENT template', async () => {
    await manager.evaluate(outage());
    assert.equal(manager.list().length, 0, 'one bad evaluation is not enough (openAfter: 2)');
    clock.advance(15_000);
    const paged = hook.next();
    await manager.evaluate(outage());
    const request = await paged;
    const body = request.json as Body;
    assert.equal(request.headers['x-radar-signature'], signBody('whsec-test', request.body));
    assert.equal(request.headers['idempotency-key'], body.eventId);
    assert.equal(body.template, 'INCIDENT');
    assert.equal(body.kind, 'open');
    assert.deepEqual(Object.keys(body.fields), ['Status', 'Severity', 'Service', 'Impact', 'Start Time', 'Updates']);
    assert.equal(body.fields.Severity, 'P0');
    assert.equal(body.fields.Status, 'IDENTIFIED', 'db_connection_failure is a cause, not just a symptom');
    assert.equal(body.fields.Service, 'DeepTech Radar API');
    assert.equal(body.fields['Start Time'], new Date(clock.now() - 15_000).toISOString(), 'start time is the first bad evaluation');
    assert.match(body.text, /^INCIDENT\n-{8}\nStatus: IDENTIFIED\nSeverity: P0\nService: DeepTech Radar API\nImpact: Complete outage: /);
    assert.match(body.text, /\$ kubectl fix db_connection_failure/);
    const open = manager.list().filter((i) => i.open);
    assert.equal(open.length, 1);
    incidentId = open[0].id;
    assert.match(incidentId, /^INC-20261129-0001-availability$/);
    assert.deepEqual(manager.metrics().openBySeverity, { P0: 1, P1: 0, P2: 0, P3: 0 });
  });

  test('2. a new manager on the same state dir continues the incident without a new page', async () => {
    await manager.idle();
    await manager.close();
    const before = hook.requests.length;
    manager = await IncidentManager.open({ config: config(), log: silentLogger(), clock });
    for (let i = 0; i < 3; i++) {
      clock.advance(15_000);
      await manager.evaluate(outage());
    }
    await manager.idle();
    assert.equal(hook.requests.length, before, 'no new notification');
    const open = manager.list().filter((i) => i.open);
    assert.deepEqual(
      open.map((i) => i.id),
      [incidentId],
    );
    const notified = open[0].timeline.find((e) => e.kind === 'notified');
    assert.match(notified?.message ?? '', /initial notification delivered to webhook \(15 s after start, within the P0 limit of 5 min\)/);
  });

  test('3. recovery → MONITORING (paging nobody), then RESOLVED once verification held for the window', async () => {
    const monitoring = manager.events.next('monitoring');
    await manager.evaluate(healthy());
    assert.equal((await monitoring)[0].status, 'MONITORING');
    // a slow evaluation inside the window restarts verification
    clock.advance(10 * MINUTE);
    await manager.evaluate(report([], { latency: latency(450, 0) }));
    clock.advance(25 * MINUTE);
    await manager.evaluate(healthy());
    await manager.idle();
    assert.equal(manager.get(incidentId)?.status, 'MONITORING', 'p95 450 ms interrupted verification');
    const resolvedMessage = hook.next((r) => (r.json as Body).template === 'INCIDENT RESOLVED');
    const resolved = manager.events.next('resolved');
    clock.advance(30 * MINUTE); // the manager's own timer fires at the end of the window
    await resolved;
    const body = (await resolvedMessage).json as Body;
    assert.deepEqual(Object.keys(body.fields), ['Status', 'Severity', 'Duration', 'Root Cause', 'Resolution', 'Prevention']);
    assert.equal(body.fields.Status, 'RESOLVED');
    assert.match(body.fields.Duration, /^1 hour 6 minutes$/);
    assert.match(body.fields['Root Cause'], /db_connection_failure: could not connect to server/);
    assert.match(body.text, /^INCIDENT RESOLVED\n-{17}\nStatus: RESOLVED\n/);
    assert.equal(manager.list().filter((i) => i.open).length, 0);
    await manager.idle();
    assert.ok(
      !hook.requests.some((r) => (r.json as Body).status === 'MONITORING'),
      'entering MONITORING sends nothing: the next message is the resolution',
    );
    const file = join(state.dir, 'postmortems', `${incidentId}.md`);
    assert.ok(existsSync(file));
    const markdown = await readFile(file, 'utf8');
    for (const heading of [
      '## Timeline',
      '## Root Cause',
      '## Impact',
      '## Resolution',
      '## Action Items',
      '### Code changes needed',
      '### Training needs',
    ]) {
      assert.ok(markdown.includes(heading), `post-mortem has ${heading}`);
    }
    assert.match(markdown, /\| opened \|/);
    assert.equal(manager.postmortem(incidentId), markdown, 'the API serves what the state dir holds once resolved');
  });

  test('a new bad streak after resolution opens a new incident with a new id', async () => {
    await manager.evaluate(report([finding('high_latency', 'P2')]));
    await manager.evaluate(report([finding('high_latency', 'P2')]));
    const open = manager.list().filter((i) => i.open);
    assert.equal(open.length, 1);
    assert.equal(open[0].family, 'latency');
    assert.equal(open[0].status, 'INVESTIGATING', 'high latency alone is a symptom');
    assert.notEqual(open[0].id, incidentId);
    assert.equal(manager.postmortem(open[0].id), undefined, 'P2 has no post-mortem');
  });
});
