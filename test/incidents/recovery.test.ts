import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IncidentManager } from '../../src/incidents/manager.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { FakeClock, finding, healthy, latency, MINUTE, outage, report, tempDir } from './helpers.js';

/** A daemon report whose error rate still carries an outage's failed samples inside its rolling window. */
const echo = () => report([finding('high_error_rate', 'P2', '40 % of sampled requests failed')], { latency: { ...latency(120, 0.4), windowMs: 5 * MINUTE } });

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

test('the rolling-window echo of a recovering outage is not a new incident; a lasting error rate after the window is', async () => {
  for (let i = 0; i < 2; i++) {
    await manager.evaluate(outage());
    clock.advance(15_000);
  }
  await manager.evaluate(healthy());
  const outageIncident = manager.list().find((i) => i.open);
  assert.equal(outageIncident?.status, 'MONITORING');
  for (let i = 0; i < 3; i++) {
    clock.advance(15_000);
    await manager.evaluate(echo());
  }
  assert.deepEqual(manager.list().filter((i) => i.open).map((i) => i.family), [outageIncident.family], 'no second incident inside the window');
  clock.advance(6 * MINUTE);
  for (let i = 0; i < 2; i++) {
    await manager.evaluate(echo());
    clock.advance(15_000);
  }
  assert.ok(manager.list().some((i) => i.open && i.family !== outageIncident.family), 'after the window the error rate is real');
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
