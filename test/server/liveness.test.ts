/**
 * /healthz is the evaluation loop, not the process: with the loop wedged (a reload stuck loading its config, which
 * every later cycle queues behind) and the liveness clock moved past 3 intervals, it answers 503; unwedged, 200.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Config } from '../../src/config/schema.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { switchableRedactor } from '../../src/daemon/generation.js';
import { MISSED_CYCLES } from '../../src/daemon/liveness.js';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';

const INTERVAL_MS = 1_000;

describe('liveness', { concurrency: false }, () => {
  let api: SimulatedApi;
  let daemon: Daemon;
  let skew = 0;
  const health = async (path = '/healthz'): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${daemon.url}${path}`);
    return { status: res.status, text: await res.text() };
  };

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
    const config = testConfig(`
target: ${api.url}
kubernetes: { enabled: false }
external: { openai: { enabled: false }, github: { enabled: false } }
incidents: { stateDir: ${JSON.stringify(mkdtempSync(join(tmpdir(), 'rp-liveness-')))} }
daemon: { port: 0, interval: ${INTERVAL_MS}ms }
`);
    daemon = await Daemon.start({ config, log: silentLogger(), redact: switchableRedactor(config, {}), env: {}, now: () => Date.now() + skew });
    await once(daemon, 'ready');
  });
  after(async () => {
    await daemon?.stop();
    await api.close();
  });

  test('alive while cycles complete, even when the clock moves on', async () => {
    assert.deepEqual(await health(), { status: 200, text: 'ok\n' });
    skew = MISSED_CYCLES * INTERVAL_MS - 200;
    await once(daemon, 'cycle');
    assert.equal((await health()).status, 200, 'a cycle beat on the moved clock');
  });

  test('a wedged evaluation loop fails /healthz after 3 intervals; /readyz is not its business', async () => {
    let entered!: () => void;
    let release!: (err: Error) => void;
    const reached = new Promise<void>((resolve) => (entered = resolve));
    const reload = daemon.reload(
      () =>
        new Promise<Config>((_resolve, reject) => {
          release = reject;
          entered();
        }),
    );
    await reached; // every cycle before it is done; every cycle after it waits
    assert.equal((await health()).status, 200, 'not yet three intervals');
    skew += MISSED_CYCLES * INTERVAL_MS + 1;
    const wedged = await health();
    assert.equal(wedged.status, 503);
    assert.match(wedged.text, /^not alive: no evaluation cycle completed for \d+s \(more than 3 × daemon\.interval\): the scheduler is wedged/);
    assert.equal((await health('/readyz')).status, 200);

    release(new Error('config file never finished reading'));
    assert.equal(await reload, false);
    await once(daemon, 'cycle');
    assert.equal((await health()).status, 200, 'alive again once the loop moves');
  });
});
