/**
 * Issue 14 acceptance 3 through real `probe daemon` processes: the state directory is a small tmpfs that the test
 * makes read-only (or fills up) while the daemon runs; an outage must still page, /readyz must say degraded, the
 * metric must count the failed writes, and a P1 self-incident goes to the sink. Needs root (mount); CI runs as root.
 * Without mount permission the read-only case falls back to chmod 0555 (which only binds a non-root user).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { parseFault } from '../../src/demo/faults.js';
import { killStartedDaemons, startDaemon, type DaemonProcess } from '../daemon/harness.js';
import { fastDaemonYaml } from './fast-daemon.js';
import { startReceiver, type Receiver } from './receiver.js';

const mounts: string[] = [];
const sh = (cmd: string, args: string[]): boolean => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** A fresh tmpfs of `size` (or a plain directory when mounting is not permitted). */
function stateVolume(size: string): { dir: string; mounted: boolean } {
  const dir = join(mkdtempSync(join(tmpdir(), 'rp-e2e-state-')), 'state');
  mkdirSync(dir);
  const mounted = sh('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]);
  if (mounted) mounts.push(dir);
  return { dir, mounted };
}

async function makeReadOnly(volume: { dir: string; mounted: boolean }): Promise<string> {
  if (volume.mounted && sh('mount', ['-o', 'remount,ro', volume.dir])) return 'remount ro';
  await chmod(volume.dir, 0o555);
  return 'chmod 0555';
}

/** Fills the tmpfs to the last byte, so the next write fails with ENOSPC. */
function fillUp(dir: string): void {
  const chunk = Buffer.alloc(4096, 'x');
  for (let i = 0; ; i++) {
    try {
      writeFileSync(join(dir, `filler-${i}`), chunk);
    } catch {
      return;
    }
  }
}

/**
 * The status history lives on its own volume here: its open database would keep `mount -o remount,ro` from taking
 * the state volume (EBUSY), and this file is about the incident state.
 */
const configFor = (api: SimulatedApi, receiver: Receiver, stateDir: string): string =>
  fastDaemonYaml({
    target: api.url,
    stateDir,
    incidents: 'verifyWindow: 2s',
    notify: [`{ type: webhook, url: ${JSON.stringify(receiver.url)}, retry: { initial: 100ms, max: 500ms } }`],
  }) + `history: { dir: ${JSON.stringify(mkdtempSync(join(tmpdir(), 'rp-history-')))} }\n`;

describe('a state directory that stops taking writes never stops paging (issue 14 acceptance 3)', { concurrency: false }, () => {
  const root = process.getuid?.() === 0;
  let api: SimulatedApi;
  let receiver: Receiver;
  let daemon: DaemonProcess | undefined;

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
    receiver = await startReceiver();
  });
  after(async () => {
    await killStartedDaemons();
    for (const dir of mounts.splice(0)) {
      sh('umount', ['-l', dir]);
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
    await receiver.close();
    await api.close();
  });

  /** outage → the P0 page and the self-page arrive, /readyz is degraded, the metric counts */
  async function outagePagesWhileUndurable(running: DaemonProcess, how: string, selfFrom = receiver.received.length): Promise<void> {
    const from = receiver.received.length;
    api.setFault(parseFault('outage'));
    const p0 = await receiver.waitFor(
      (m) => receiver.received.indexOf(m) >= from && m.body.severity === 'P0' && m.body.kind === 'open',
      20_000,
      `the P0 page (${how})`,
    );
    assert.match(p0.body.text, /Status/);
    const self = await receiver.waitFor(
      (m) => receiver.received.indexOf(m) >= selfFrom && m.body.incidentId.startsWith('SELF-') && m.body.kind === 'open',
      10_000,
      'the self-incident',
    );
    assert.equal(self.body.severity, 'P1');
    assert.match(self.body.text, /radar-probe cannot persist incident state/);
    const selfPages = receiver.received.slice(selfFrom).filter((m) => m.body.incidentId.startsWith('SELF-') && m.body.kind === 'open');
    assert.equal(selfPages.length, 1, 'the self-incident is raised once, not on every failed write');
    const ready = await running.get('/readyz');
    assert.equal(ready.status, 503, ready.text);
    assert.match(ready.text, /^degraded: incident state cannot be written \((EROFS|ENOSPC|EACCES)/, ready.text);
    assert.equal((await running.get('/healthz')).status, 200, 'liveness unaffected: a restart would lose the only copy');
    const failures = (await running.metric('probe_state_write_failures_total', {})) ?? 0;
    assert.ok(failures >= 1, `probe_state_write_failures_total = ${failures}`);
    assert.equal(await running.metric('probe_state_durable', {}), 0);
    assert.ok(running.output().includes('RP_ERR_STATE_WRITE'), 'the log names the problem');
    api.setFault(parseFault('none'));
  }

  test('made read-only while running: the outage still pages', { skip: !root && 'needs root to mount' }, async (t) => {
    const volume = stateVolume('1m');
    daemon = await startDaemon(configFor(api, receiver, volume.dir));
    await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 15_000, 'readiness');
    const how = await makeReadOnly(volume);
    t.diagnostic(`state dir made read-only by ${how}`);
    await outagePagesWhileUndurable(daemon, how);
    const stopped = await daemon.stop('SIGTERM');
    assert.equal(stopped.code, 0, daemon.output());
  });

  test('a full disk: the outage still pages and no temp file is left behind', { skip: !root && 'needs root to mount' }, async (t) => {
    const volume = stateVolume('64k');
    if (!volume.mounted) return t.skip('mount not permitted');
    daemon = await startDaemon(configFor(api, receiver, volume.dir));
    await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 15_000, 'readiness');
    fillUp(volume.dir);
    await outagePagesWhileUndurable(daemon, 'tmpfs full');
    assert.deepEqual(
      readdirSync(volume.dir).filter((f) => f.endsWith('.tmp')),
      [],
      'failed writes clean up their temp files',
    );
    await daemon.stop('SIGTERM');
  });

  test('read-only at start: the daemon starts, serves /metrics and the API, and pages', { skip: !root && 'needs root to mount' }, async (t) => {
    const volume = stateVolume('1m');
    const how = await makeReadOnly(volume);
    t.diagnostic(`state dir read-only from the start by ${how}`);
    const before = receiver.received.length;
    daemon = await startDaemon(configFor(api, receiver, volume.dir));
    assert.equal((await daemon.get('/metrics')).status, 200);
    assert.equal((await daemon.get('/api/incidents')).status, 200);
    await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 15_000, 'readiness');
    // the self-incident is raised at start-up, before the outage
    await outagePagesWhileUndurable(daemon, `${how} at start`, before);
    await daemon.stop('SIGTERM');
  });
});
