/**
 * A sink that never answers one message: each attempt ends at the sink's timeout (a failed, retryable attempt,
 * with backoff), and once the message's retry budget is spent it moves to the dead-letter list, so the messages
 * queued behind it go out. The dead letter is visible in the engine's list and counted for metrics.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { incidentSamples } from '../../src/daemon/incidents.js';
import { IncidentManager } from '../../src/incidents/manager.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { FakeClock, finding, outage, report, sinkYaml, tempDir } from '../incidents/helpers.js';

type Body = { eventId: string; kind: string; incidentId: string };

let server: Server;
let url = '';
const delivered: Body[] = [];
let attemptsOnStuck = 0;
let stuckEvent = '';
let stuckIncident = '';

before(async () => {
  // the first incident's messages hang (the sink accepts the connection and never answers); others are taken
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
      // the first message (its id) never gets an answer; everything queued behind it must still go out
      stuckEvent ||= body.eventId;
      stuckIncident ||= body.incidentId;
      if (body.eventId === stuckEvent) {
        attemptsOnStuck += 1;
        return;
      }
      delivered.push(body);
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('a message the sink never answers is dead-lettered after its retry budget; the next one is delivered', { timeout: 30_000 }, async () => {
  const state = await tempDir();
  const clock = new FakeClock();
  const config = testConfig(
    `incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 1, verifyWindow: 1m }\n` +
      sinkYaml([{ type: 'webhook', url, timeout: '200ms', retry: { initial: '1s', max: '2s', jitter: 0, budget: '5s' } }]),
  );
  const manager = await IncidentManager.open({ config, log: silentLogger(), clock });
  try {
    const retried = manager.events.next('delivery-failed');
    await manager.evaluate(report([finding('high_error_rate', 'P2')]));
    const [first] = await retried;
    assert.equal(first.willRetry, true, 'a timed-out attempt is a failed, retryable attempt');
    assert.match(first.error, /within 200 ms|aborted/i);
    // the same incident's update (one incident per service episode) queues behind the stuck trigger
    await manager.evaluate(outage());
    for (let step = 0; step < 10 && delivered.length === 0; step++) {
      clock.advance(1_000);
      await manager.idle();
    }
    assert.ok(delivered.length >= 1, 'the message behind the stuck one went out');
    assert.ok(
      attemptsOnStuck >= 3 && attemptsOnStuck <= 7,
      `${attemptsOnStuck} attempts on the stuck message: retried with backoff within its 5 s budget`,
    );
    const dead = manager.deadLetters();
    assert.equal(dead.length, 1, JSON.stringify(dead));
    assert.equal(dead[0].incidentId, stuckIncident);
    assert.equal(dead[0].reason, 'retry budget spent');
    const samples = incidentSamples(manager.metrics());
    assert.equal(samples.find((s) => s.name === 'probe_notifications_dead_total')?.value, 1);
    assert.ok(
      manager.get(stuckIncident)!.timeline.some((e) => /retry budget spent/.test(e.message)),
      'the timeline says why it was not sent',
    );
  } finally {
    await manager.close();
    await state.remove();
  }
});
