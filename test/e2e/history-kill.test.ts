/**
 * Issue 15 acceptance 2 through real `probe daemon` processes: a daemon records cycles of health, an outage and the
 * recovery; it is then reloaded (SIGHUP) onto a cron that does not fire during the test, so once its last in-flight
 * probes have landed nothing new can move the figures; /api/uptime is read; the daemon is SIGKILLed; a daemon
 * restarted on the same directory with that config shows the same figures. Any difference is history lost (or
 * invented) across the kill.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { parseFault } from '../../src/demo/faults.js';
import { killOnExit, startDaemon, writeConfig, type DaemonProcess } from '../daemon/harness.js';
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
  const yaml = (): string => fastDaemonYaml({ target: api.url, stateDir, notify: ['{ type: log }'] });
  /** the same probes on a cron that fires on January 1st only: a daemon that serves the history and adds nothing */
  const frozen = (): string => yaml().replace('window: 2s }', `window: 2s, groups: [{ scenario: continuous, cron: "0 0 1 1 *" }] }`);

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
    writeConfig(dirname(first.configFile), frozen());
    first.proc.kill('SIGHUP');
    await first.waitFor((l) => l.msg === 'configuration reloaded', 10_000, 'the reload onto the cron');
    // probes in flight at the reload still land (within their 1 s timeout): wait until the figures hold still
    let last = '';
    await waitFor(
      'figures that hold still',
      async () => {
        const now = JSON.stringify(await read(first, '/api/history?range=24h'));
        const still = now === last;
        last = now;
        return still ? true : undefined;
      },
      { everyMs: 1_500, timeoutMs: 20_000 },
    );
    const historyBefore = await read(first, '/api/history?probe=health&range=24h');
    const serviceBefore = await read(first, '/api/history?range=7d');
    const before = (await read(first, '/api/uptime')) as Uptime;
    first.proc.kill('SIGKILL');
    assert.equal(await first.exited, null);

    const uptime = health(before)?.uptime['24h'] ?? null;
    assert.ok(uptime !== null && uptime > 0 && uptime < 100, `a figure worth keeping: ${uptime}`);
    // a cron that fires on January 1st only: the restarted daemon serves the history and adds nothing to it
    daemon = await startDaemon(frozen());
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
