/**
 * Issue 14 acceptance 6: with leader election off, a second `probe daemon` on the same state directory refuses to
 * start (exit 2, RP_ERR_STATE_LOCKED, naming the holder), while a lock left by a killed daemon is taken over.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { LOCK_FILE, STALE_AFTER_MS } from '../../src/incidents/state-lock.js';
import { killOnExit, startDaemon, writeConfig, type DaemonProcess } from '../daemon/harness.js';
import { runCli } from '../helpers/cli.js';

const configFor = (api: SimulatedApi, stateDir: string): string => `
target: ${api.url}
kubernetes: { enabled: false }
external: { openai: { enabled: false }, github: { enabled: false } }
daemon: { host: 127.0.0.1, interval: 1s }
incidents: { stateDir: ${JSON.stringify(stateDir)} }
`;

describe('one daemon per state directory (issue 14 acceptance 6)', { concurrency: false }, () => {
  let api: SimulatedApi;
  let first: DaemonProcess | undefined;
  const stateDir = join(mkdtempSync(join(tmpdir(), 'rp-e2e-lock-')), 'state');

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
  });
  after(async () => {
    killOnExit(first);
    await api.close();
  });

  const second = (): Promise<{ code: number | null; stderr: string; stdout: string }> => {
    const dir = mkdtempSync(join(tmpdir(), 'rp-e2e-lock2-'));
    return runCli(['daemon', '--config', writeConfig(dir, configFor(api, stateDir)), '--port', '0'], { timeoutMs: 15_000 });
  };

  test('a second daemon refuses with exit 2 and says who holds the directory; a clean stop releases it', async () => {
    first = await startDaemon(configFor(api, stateDir));
    const run = await second();
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /RP_ERR_STATE_LOCKED/);
    assert.match(run.stderr, new RegExp(`in use by another radar-probe daemon \\(pid ${first.proc.pid} on host `));
    assert.match(run.stderr, /kubernetes\.leaderElection/);
    assert.equal((await first.get('/healthz')).status, 200, 'the first daemon is unaffected');
    assert.equal((await first.stop('SIGTERM')).code, 0);
    assert.equal(existsSync(join(stateDir, LOCK_FILE)), false, 'released on a clean stop');
  });

  test('the lock of a killed daemon (its pid is gone) is taken over at once', async () => {
    first = await startDaemon(configFor(api, stateDir));
    await first.stop('SIGKILL');
    assert.ok(existsSync(join(stateDir, LOCK_FILE)), 'a SIGKILL leaves the lock behind');
    first = await startDaemon(configFor(api, stateDir));
    await first.waitFor((l) => l.msg === 'taking over a stale state directory lock', 5_000, 'the takeover log line');
    assert.equal(JSON.parse(readFileSync(join(stateDir, LOCK_FILE), 'utf8')).pid, first.proc.pid);
    await first.stop('SIGTERM');
  });

  test('another host: refused while its lock is refreshed, taken over once it is stale', async () => {
    const lock = join(stateDir, LOCK_FILE);
    writeFileSync(lock, JSON.stringify({ pid: 4242, host: 'another-pod', startedAt: new Date().toISOString(), token: 'x' }));
    const refused = await second();
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /pid 4242 on host another-pod/);
    const old = new Date(Date.now() - STALE_AFTER_MS - 5_000);
    utimesSync(lock, old, old);
    first = await startDaemon(configFor(api, stateDir));
    assert.equal(JSON.parse(readFileSync(lock, 'utf8')).pid, first.proc.pid);
    await first.stop('SIGTERM');
  });
});
