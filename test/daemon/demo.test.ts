/** `probe demo`: the daemon against the simulated API; --once prints one cycle's report and exits with its verdict. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pgAvailable } from '../../src/demo/pg-cluster.js';
import { CLI, runCli } from '../helpers/cli.js';
import { metricValue } from './harness.js';

test('demo --once: a passing report, exit 0', async () => {
  const run = await runCli(['demo', '--once', '--port', '0']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /Simulated DeepTech Radar API on http:\/\/127\.0\.0\.1:\d+/);
  assert.match(run.stdout, /PASSED\s+scenario daemon/);
  assert.match(run.stdout, /PASS\s+health/);
});

test('demo --once --fault outage: P0, exit 1', async () => {
  const run = await runCli(['demo', '--once', '--port', '0', '--fault', 'outage']);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /P0/);
});

/**
 * Stops a demo that a failed assertion left running the way a user would (its PostgreSQL and folders go with it),
 * and kills it only if it has not exited by the CLI's own stop deadline: a SIGKILL alone left its PostgreSQL running.
 */
async function stopLeftover(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  let deadline: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    deadline = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 12_000);
  });
  await Promise.race([exited.then(() => undefined), killed]);
  clearTimeout(deadline);
}

/** A long-running `probe demo`, resolved once it has printed its URLs ("Ctrl-C stops"). */
async function startDemo(
  cwd: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; stdout: string; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'demo', '--port', '0'], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (/Ctrl-C stops/.test(stdout)) resolve();
      });
      void exited.then((code) => reject(new Error(`demo exited ${code}: ${stdout}${stderr}`)));
    });
  } catch (err) {
    await stopLeftover(child, exited);
    throw err;
  }
  return { child, stdout, stderr: () => stderr, exited };
}

test('demo: prints the first result and the URLs, serves metrics, takes a fault, stops on SIGINT with 0', async () => {
  const { child, stdout, stderr, exited } = await startDemo(mkdtempSync(join(tmpdir(), 'rp-demo-')), {});
  try {
    assert.match(stdout, /PASSED\s+scenario daemon/);
    const metricsUrl = /metrics:\s+(http:\S+\/metrics)/.exec(stdout)?.[1];
    const faultUrl = /curl -X PUT --data 'outage' (http:\S+\/__fault)/.exec(stdout)?.[1];
    assert.ok(metricsUrl && faultUrl, stdout);
    assert.equal(metricValue(await (await fetch(metricsUrl)).text(), 'probe_success', { probe: 'health' }), 1);
    assert.match(stdout, /status page:\s+http:\S+\//);
    const put = await fetch(faultUrl, { method: 'PUT', body: 'errors=0.5' });
    assert.equal(put.status, 200);
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr());
  } finally {
    await stopLeftover(child, exited);
  }
});

/** every process whose command line mentions `text` (the demo's PostgreSQL runs from a folder under its TMPDIR) */
function processesMentioning(text: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test(
  'demo: SIGHUP (the terminal closed) stops it like SIGINT: its PostgreSQL and folders are gone',
  { skip: !pgAvailable() && 'PostgreSQL is not installed' },
  async () => {
    // a private TMPDIR: what the demo leaves behind is exactly what is left in it
    const temp = mkdtempSync(join(tmpdir(), 'rp-demo-hup-'));
    chmodSync(temp, 0o755); // PostgreSQL runs as its own user when we are root
    const { child, stdout, stderr, exited } = await startDemo(temp, { TMPDIR: temp });
    try {
      assert.match(stdout, /Throwaway PostgreSQL on 127\.0\.0\.1:\d+/, 'this test needs the demo to run its PostgreSQL');
      assert.ok(processesMentioning(temp).length > 0, 'the throwaway PostgreSQL runs from the demo folder');
      assert.ok(readdirSync(temp).length > 0, 'the demo made its folders');
      child.kill('SIGHUP');
      assert.equal(await exited, 0, stderr());
      assert.deepEqual(processesMentioning(temp), [], 'no PostgreSQL left running');
      assert.deepEqual(readdirSync(temp), [], 'no folder left behind');
    } finally {
      await stopLeftover(child, exited);
      rmSync(temp, { recursive: true, force: true });
    }
  },
);
