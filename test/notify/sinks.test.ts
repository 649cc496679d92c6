import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { IncidentManager } from '../../src/incidents/manager.js';
import { createLogger } from '../../src/support/log.js';
import { alertmanagerAlerts } from '../../src/notify/sinks/alertmanager.js';
import { signBody } from '../../src/notify/sinks/webhook.js';
import { testConfig } from '../helpers/context.js';
import { FakeClock, finding, healthy, MINUTE, outage, report, sinkYaml, startReceiver, tempDir, type Receiver } from '../incidents/helpers.js';

describe('each sink speaks its receiver’s format (real local receivers)', () => {
  let webhook: Receiver;
  let slack: Receiver;
  let pagerduty: Receiver;
  let state: { dir: string; remove: () => Promise<void> };
  const clock = new FakeClock();
  const logLines: Record<string, unknown>[] = [];
  let manager: IncidentManager;
  let id = '';

  before(async () => {
    [webhook, slack, pagerduty] = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
    state = await tempDir();
    pagerduty.respond = () => ({ status: 202, body: '{"status":"success","dedup_key":"x"}' });
    const config = testConfig(
      `incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 1, verifyWindow: 5m, updatesUrl: "https://status.example.test/incidents/{id}" }\n` +
        sinkYaml([
          { type: 'log' },
          { type: 'webhook', url: `${webhook.url}/hook`, secret: 'hmac-secret', headers: { 'x-team': 'api' } },
          { type: 'slack', url: `${slack.url}/services/T/B/X` },
          { type: 'pagerduty', routingKey: 'R0UT1NGKEY', url: `${pagerduty.url}/v2/enqueue`, minSeverity: 'P1' },
        ]),
    );
    const sink = new Writable({
      write: (chunk: Buffer, _e, done) => (logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()),
    });
    manager = await IncidentManager.open({ config, log: createLogger({ destination: sink }), clock });
    const delivered = Promise.all(
      ['webhook', 'slack', 'pagerduty', 'log'].map((s) => manager.events.next('notified', (e) => e.sink === s && e.kind === 'open')),
    );
    await manager.evaluate(outage());
    await delivered;
    id = manager.list()[0].id;
  });
  after(async () => {
    await manager.close();
    await Promise.all([webhook.close(), slack.close(), pagerduty.close()]);
    await state.remove();
  });

  test('webhook: JSON notification, HMAC signature, idempotency key, configured headers', () => {
    const [request] = webhook.requests;
    assert.equal(request.url, '/hook');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['x-radar-signature'], signBody('hmac-secret', request.body));
    assert.match(String(request.headers['x-radar-signature']), /^sha256=[0-9a-f]{64}$/);
    assert.equal(request.headers['idempotency-key'], `${id}.1`);
    assert.equal(request.headers['x-team'], 'api');
    const body = request.json as { fields: Record<string, string>; findings: unknown[] };
    assert.equal(body.fields.Updates, `https://status.example.test/incidents/${id}`);
    assert.equal(body.findings.length, 2);
  });

  test('slack: text plus blocks with the template fields', () => {
    const body = slack.requests[0].json as { text: string; blocks: { type: string; fields?: { text: string }[]; text?: { text: string } }[] };
    assert.match(body.text, /^INCIDENT\n/);
    assert.equal(body.blocks[0].type, 'header');
    const fields = body.blocks[1].fields!.map((f) => f.text.split(':*')[0]);
    assert.deepEqual(fields, ['*Status', '*Severity', '*Service', '*Impact', '*Start Time', '*Updates']);
    assert.ok(body.blocks.some((b) => b.text?.text.includes('db_connection_failure')));
  });

  test('pagerduty: Events v2 trigger with dedup_key = incident id and P0 → critical', () => {
    const event = pagerduty.requests[0].json as { routing_key: string; event_action: string; dedup_key: string; payload: Record<string, unknown> };
    assert.equal(pagerduty.requests[0].url, '/v2/enqueue');
    assert.equal(event.routing_key, 'R0UT1NGKEY');
    assert.equal(event.event_action, 'trigger');
    assert.equal(event.dedup_key, id);
    assert.equal(event.payload.severity, 'critical');
    assert.equal(event.payload.source, 'DeepTech Radar API');
    assert.equal(event.payload.component, 'availability');
    assert.equal((event.payload.custom_details as Record<string, string>).Status, 'IDENTIFIED');
  });

  test('log: one structured line per notification, paging events at warn', () => {
    const line = logLines.find((l) => l.kind === 'open');
    assert.ok(line);
    assert.equal(line.level, 'warn');
    assert.equal(line.incident, id);
    assert.ok(!JSON.stringify(logLines).includes('R0UT1NGKEY'), 'routing key never logged');
  });

  test('resolve reaches every sink; pagerduty gets event_action resolve with the same dedup_key', async () => {
    const resolved = manager.events.next('notified', (e) => e.sink === 'pagerduty' && e.kind === 'resolve');
    const slackResolved = manager.events.next('notified', (e) => e.sink === 'slack' && e.kind === 'resolve');
    await manager.evaluate(healthy());
    clock.advance(5 * MINUTE);
    await Promise.all([resolved, slackResolved]);
    const last = pagerduty.requests.at(-1)!.json as Record<string, unknown>;
    assert.deepEqual(last, { routing_key: 'R0UT1NGKEY', dedup_key: id, event_action: 'resolve' });
    assert.match((slack.requests.at(-1)!.json as { text: string }).text, /^INCIDENT RESOLVED\n/);
  });

  test('minSeverity: a P2 incident never reaches the P1-and-worse pagerduty sink', async () => {
    const before = pagerduty.requests.length;
    const atWebhook = manager.events.next('notified', (e) => e.sink === 'webhook' && e.kind === 'open');
    await manager.evaluate(report([finding('high_latency', 'P2')]));
    await atWebhook;
    await manager.idle();
    assert.equal(pagerduty.requests.length, before);
  });
});

describe('alertmanager payload', () => {
  test('an upgrade ends the alert under the old severity label', () => {
    const base = {
      eventId: 'INC-1.2',
      sequence: 2,
      template: 'INCIDENT' as const,
      incidentId: 'INC-1',
      service: 'svc',
      family: 'errors' as const,
      status: 'IDENTIFIED' as const,
    };
    const n = {
      ...base,
      kind: 'update' as const,
      severity: 'P0' as const,
      previousSeverity: 'P2' as const,
      title: 't',
      text: 'x',
      fields: {},
      findings: [],
      escalation: null,
      startedAt: '2026-11-29T10:00:00.000Z',
      resolvedAt: null,
      createdAt: '2026-11-29T10:05:00.000Z',
      url: '/api/incidents/INC-1',
      maintenance: false,
    };
    const alerts = alertmanagerAlerts(n);
    assert.equal(alerts.length, 2);
    assert.deepEqual(alerts[0].labels, { alertname: 'RadarProbeIncident', severity: 'P0', service: 'svc', family: 'errors', incident: 'INC-1' });
    assert.equal(alerts[0].endsAt, undefined);
    assert.equal(alerts[1].labels.severity, 'P2');
    assert.equal(alerts[1].endsAt, '2026-11-29T10:05:00.000Z');
    assert.equal(alerts[0].generatorURL, undefined, 'relative links are not valid generatorURLs');
  });
});
