import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IncidentManager } from '../../src/incidents/manager.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { FakeClock, finding, healthy, latency, MINUTE, outage, report, tempDir } from './helpers.js';

/** A daemon report whose error rate still carries an outage's failed samples inside its rolling window (an hour long here, so the whole story happens inside it). */
const echo = () =>
  report([finding('high_error_rate', 'P2', '40 % of sampled requests failed')], { latency: { ...latency(120, 0.4), windowMs: 60 * MINUTE } });

let state: { dir: string; remove: () => Promise<void> };
let manager: IncidentManager;
const clock = new FakeClock();
before(async () => {
  state = await tempDir();
  const config = testConfig(`incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 2, verifyWindow: 30m }\nnotify: [{ type: log }]\n`);
  manager = await IncidentManager.open({ config, log: silentLogger(), clock });
});
after(async () => {
  await manager.close();
  await state.remove();
});

test("recovery is judged on the samples since it began: the window's echo neither holds the incident open nor opens a new one", async () => {
  for (let i = 0; i < 2; i++) {
    await manager.evaluate(outage());
    clock.advance(15_000);
  }
  const lastBad = clock.now() - 15_000;
  // the rolling window still says 40 % errors; the samples since the last bad evaluation are clean
  const marks: number[] = [];
  const cleanSince = (since: number) => (marks.push(since), healthy());
  await manager.evaluate(echo(), cleanSince);
  const incident = manager.list().find((i) => i.open);
  assert.equal(incident?.status, 'MONITORING');
  assert.deepEqual(marks, [lastBad], 'judged from the last bad evaluation');
  const resolved = manager.events.next('resolved');
  clock.advance(20 * MINUTE);
  await manager.evaluate(echo(), cleanSince);
  // its own timer resolves it exactly when the window since the recovery's first clean sample is over
  clock.advance(10 * MINUTE - 15_000);
  await resolved;
  assert.equal(manager.get(incident.id)?.resolvedAt, new Date(lastBad + 30 * MINUTE).toISOString(), 'resolved at recovery + verifyWindow');
  // the window still holds the outage: judged from the verified recovery on, it is no new episode
  for (let i = 0; i < 3; i++) {
    clock.advance(15_000);
    await manager.evaluate(echo(), cleanSince);
  }
  assert.equal(manager.list().filter((i) => i.open).length, 0, 'no second incident from the echo');
  assert.ok(
    marks.slice(-3).every((m) => m === lastBad),
    'a new episode is judged on samples after the verified recovery began',
  );
  // errors in the samples after the recovery are real
  for (let i = 0; i < 2; i++) {
    clock.advance(15_000);
    await manager.evaluate(echo(), () => echo());
  }
  assert.equal(manager.list().filter((i) => i.open).length, 1, 'a lasting error rate after the recovery opens a new incident');
});

test('a verification interruption survives a restart: the window restarts from the interruption, not from before it', async () => {
  const dir = await tempDir();
  const local = new FakeClock();
  const config = testConfig(`incidents: { stateDir: ${JSON.stringify(dir.dir)}, openAfter: 2, verifyWindow: 30m }\nnotify: [{ type: log }]\n`);
  const engine = await IncidentManager.open({ config, log: silentLogger(), clock: local });
  try {
    for (let i = 0; i < 2; i++) {
      await engine.evaluate(outage());
      local.advance(15_000);
    }
    await engine.evaluate(healthy()); // MONITORING, verification starts holding
    local.advance(10 * MINUTE);
    await engine.evaluate(report([], { latency: latency(450, 0) })); // p95 > 300 ms: verification interrupted
    local.advance(15_000);
    await engine.evaluate(healthy()); // holds again from here
    await engine.idle();
    // A kill -9 now: a second engine reads only what is on disk (the first one never gets to close and flush).
    const after = new FakeClock(local.now());
    const restarted = await IncidentManager.open({ config, log: silentLogger(), clock: after });
    try {
      after.advance(21 * MINUTE); // 31 min after the first hold, 21 min after the interruption
      await restarted.evaluate(healthy());
      assert.equal(restarted.list()[0]?.status, 'MONITORING', 'resolved on a window the interruption had broken');
      after.advance(10 * MINUTE);
      await restarted.evaluate(healthy());
      assert.equal(restarted.list()[0]?.status, 'RESOLVED');
    } finally {
      await restarted.close();
    }
  } finally {
    await engine.close();
    await dir.remove();
  }
});
