import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { IncidentManager } from '../../src/incidents/manager.js';
import { silentLogger } from '../../src/support/log.js';
import { backoffMs } from '../../src/notify/outbox.js';
import { testConfig } from '../helpers/context.js';
import { FakeClock, finding, healthy, HOUR, MINUTE, outage, report, sinkYaml, startReceiver, tempDir, type Receiver } from '../incidents/helpers.js';

type Body = { sequence: number; eventId: string; kind: string };

describe('outbox delivery: retries, order, rejection', () => {
  let hook: Receiver;
  let state: { dir: string; remove: () => Promise<void> };
  let clock: FakeClock;
  let manager: IncidentManager;
  const config = () =>
    testConfig(
      `incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 1, verifyWindow: 1m }\n` +
        // a budget beyond the hour-long outage below: within its budget, nothing is given up
        sinkYaml([{ type: 'webhook', url: hook.url, retry: { initial: '1s', max: '5m', jitter: 0.2, budget: '2h' } }]),
    );

  beforeEach(async () => {
    hook = await startReceiver();
    state = await tempDir();
    clock = new FakeClock();
    manager = await IncidentManager.open({ config: config(), log: silentLogger(), clock });
  });
  afterEach(async () => {
    await manager.close();
    await hook.close();
    await state.remove();
  });

  test('a sink down for an hour gets every message once and in order when it comes back', async () => {
    let up = false;
    hook.respond = () => ({ status: up ? 200 : 503 });
    // activity while the sink is down: open, upgrade-free updates, a resolve and a second incident
    const scripted = [outage(), outage(), healthy(), report([finding('high_latency', 'P2')]), healthy()];
    for (const r of scripted) {
      await manager.evaluate(r);
      await manager.idle();
      clock.advance(2 * MINUTE);
      await manager.idle();
    }
    let waited = 0;
    while (waited < HOUR) {
      clock.advance(5 * MINUTE);
      waited += 5 * MINUTE;
      await manager.idle();
    }
    const queued = manager.metrics().outboxDepth;
    // one incident per episode: its open, resolve and the second episode's messages (monitoring sends nothing)
    assert.ok(queued >= 3, `backlog of ${queued} queued while down`);
    assert.equal(hook.requests.length, 0);
    assert.ok(hook.attempts.length > 10, 'kept retrying');
    assert.ok(hook.attempts.length < 40, `backoff capped the attempt rate (${hook.attempts.length} attempts in an hour)`);
    assert.ok(new Set(hook.attempts.map((a) => (a.json as Body).eventId)).size === 1, 'only the head of the queue is attempted');
    up = true;
    // drain on the fake clock; bounded, so a message that never goes out fails the test instead of hanging it
    for (let step = 0; step < 24 && manager.metrics().outboxDepth > 0; step++) {
      clock.advance(5 * MINUTE);
      await manager.idle();
    }
    const sequences = hook.requests.map((r) => (r.json as Body).sequence);
    assert.equal(sequences.length, queued, `every queued message went out once: ${sequences.join(', ')}`);
    assert.equal(new Set(sequences).size, sequences.length, 'none twice');
    assert.deepEqual(
      sequences,
      [...sequences].sort((a, b) => a - b),
      'in order',
    );
    assert.equal(manager.metrics().outboxDepth, 0);
    const counts = manager.metrics().notifications;
    assert.equal(counts.find((c) => c.outcome === 'sent')?.count, queued);
  });

  test('a 4xx other than 429 is not retried: dropped, counted, and the queue moves on', async () => {
    let calls = 0;
    hook.respond = () => (++calls === 1 ? { status: 400, body: '{"error":"bad payload"}' } : { status: 200 });
    const failed = manager.events.next('delivery-failed');
    const next = manager.events.next('notified');
    await manager.evaluate(report([finding('high_error_rate', 'P2')]));
    const [event] = await failed;
    assert.equal(event.willRetry, false);
    assert.match(event.error, /HTTP 400/);
    // the rise to P0 is the next message (monitoring sends none); it goes out although the open was rejected
    await manager.evaluate(outage());
    await next;
    assert.equal(hook.attempts.length, 2);
    assert.deepEqual(
      manager
        .metrics()
        .notifications.map((c) => `${c.outcome}:${c.count}`)
        .sort(),
      ['dropped:1', 'sent:1'],
    );
    assert.ok(manager.list()[0].timeline.some((e) => e.kind === 'delivery-failed' && /rejected/.test(e.message)));
  });

  test('429 is retried, honouring Retry-After', async () => {
    let calls = 0;
    hook.respond = () => (++calls === 1 ? { status: 429, headers: { 'retry-after': '120' } } : { status: 200 });
    const failed = manager.events.next('delivery-failed');
    await manager.evaluate(outage());
    assert.equal((await failed)[0].willRetry, true);
    clock.advance(119_000);
    await manager.idle();
    assert.equal(hook.attempts.length, 1, 'not before Retry-After');
    const sent = manager.events.next('notified');
    clock.advance(1_000);
    await sent;
    assert.equal(hook.requests.length, 1);
  });

  test('a backlog survives a restart and is delivered once by the next manager', async () => {
    hook.respond = () => ({ status: 503 });
    await manager.evaluate(outage());
    await manager.idle();
    await manager.close();
    hook.respond = () => ({ status: 200 });
    const restarted = await IncidentManager.open({ config: config(), log: silentLogger(), clock });
    manager = restarted;
    await manager.idle();
    assert.equal(hook.requests.length, 1);
    assert.equal((hook.requests[0].json as Body).kind, 'open');
  });

  test('backoff doubles from initial up to max and jitter only shortens it', () => {
    const retry = { initial: 1000, max: 300_000, jitter: 0.2 };
    assert.equal(
      backoffMs(1, retry, () => 0),
      1000,
    );
    assert.equal(
      backoffMs(4, retry, () => 0),
      8000,
    );
    assert.equal(
      backoffMs(30, retry, () => 0),
      300_000,
    );
    assert.equal(
      backoffMs(4, retry, () => 1),
      6400,
    );
  });
});
