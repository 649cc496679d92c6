/**
 * Issue 15 acceptance 2 through real `probe daemon` processes: a daemon records cycles of health, an outage and the
 * recovery; /api/uptime is read; the daemon is SIGKILLed (its history writer commits every second, so the kill
 * lands between or during writes); a daemon restarted on the same directory shows the same figures. The restart
 * schedules its probes by a cron that does not fire during the test, so nothing new can move the figures: any
 * difference is history lost (or invented) across the kill.
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
import { fastDaemonYaml } from './fast-daemon.js';

interface Uptime {
  overall: Record<string, number | null>;
  probes: { probe: string; current: string | null; uptime: Record<string, number | null>; p50Ms: number | null; p95Ms: number | null }[];
}

const read = async (daemon: DaemonProcess, path: string): Promise<unknown> => {
  const { status, text } = await daemon.get(path);
  assert.equal(status, 200, `${path}: ${text}`);
  return JSON.parse(text) as unknown;
};
const health = (u: Uptime) => u.probes.find((p) => p.probe === 'health');

describe('history across kill -9 (issue 15 acceptance 2)', { concurrency: false }, () => {
  let api: SimulatedApi;
  let stateDir: string;
  let daemon: DaemonProcess | undefined;
  const yaml = (extra = ''): string => fastDaemonYaml({ target: api.url, stateDir, notify: ['{ type: log }'] }) + extra;

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
    stateDir = join(mkdtempSync(join(tmpdir(), 'rp-e2e-history-')), 'state');
  });
  after(async () => {
    killOnExit(daemon);
    await api.close();
  });

  test('the uptime shown before a SIGKILL is the uptime shown after the restart', async () => {
    daemon = await startDaemon(yaml());
    const first = daemon;
    await first.waitFor((l) => l.msg === 'first evaluation done: ready', 15_000, 'readiness');
    api.setFault(parseFault('outage'));
    await waitFor('failures in the history', async () => {
      const u = (await read(first, '/api/uptime')) as Uptime;
      return (health(u)?.uptime['24h'] ?? 100) < 90 ? u : undefined;
    });
    api.setFault(parseFault('none'));
    await waitFor('recovery in the history', async () => {
      const u = (await read(first, '/api/uptime')) as Uptime;
      return health(u)?.current === 'pass' ? u : undefined;
    });
    const before = (await read(first, '/api/uptime')) as Uptime;
    const historyBefore = await read(first, '/api/history?probe=health&range=24h');
    const serviceBefore = await read(first, '/api/history?range=7d');
    first.proc.kill('SIGKILL');
    assert.equal(await first.exited, null);

    const uptime = health(before)?.uptime['24h'] ?? null;
    assert.ok(uptime !== null && uptime > 0 && uptime < 100, `a figure worth keeping: ${uptime}`);
    // a cron that fires on January 1st only: the restarted daemon serves the history and adds nothing to it
    daemon = await startDaemon(yaml().replace('window: 2s }', `window: 2s, groups: [{ scenario: continuous, cron: "0 0 1 1 *" }] }`));
    const second = daemon;
    const after = (await read(second, '/api/uptime')) as Uptime;
    assert.deepEqual(
      after.probes.map((p) => [p.probe, p.uptime, p.p50Ms, p.p95Ms]),
      before.probes.map((p) => [p.probe, p.uptime, p.p50Ms, p.p95Ms]),
    );
    assert.deepEqual(after.overall, before.overall);
    assert.deepEqual(await read(second, '/api/history?probe=health&range=24h'), historyBefore);
    assert.deepEqual(await read(second, '/api/history?range=7d'), serviceBefore);
    const badge = await second.get('/api/badges/health/uptime/24h.svg');
    assert.ok(badge.text.includes(`>${(Math.floor(uptime * 100) / 100).toFixed(2)}%<`), badge.text);
    assert.ok(!second.output().includes('RP_ERR_HISTORY'), `the history opened cleanly:\n${second.output()}`);
    // node:sqlite is built in; the runtime must not warn about it on the daemon's stderr
    assert.ok(!`${first.output()}${second.output()}`.includes('ExperimentalWarning'), first.output());
    await second.stop();
  });
});
