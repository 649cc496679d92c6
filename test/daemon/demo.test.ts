/** `probe demo`: the daemon against the simulated API; --once prints one cycle's report and exits with its verdict. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
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

test('demo: prints the first result and the URLs, serves metrics, takes a fault, stops on SIGINT with 0', async () => {
  const child = spawn(process.execPath, [CLI, 'demo', '--port', '0'], { cwd: mkdtempSync(join(tmpdir(), 'rp-demo-')), env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    assert.match(stdout, /PASSED\s+scenario daemon/);
    const metricsUrl = /metrics:\s+(http:\S+\/metrics)/.exec(stdout)?.[1];
    const faultUrl = /curl -X PUT --data 'outage' (http:\S+\/__fault)/.exec(stdout)?.[1];
    assert.ok(metricsUrl && faultUrl, stdout);
    assert.equal(metricValue(await (await fetch(metricsUrl)).text(), 'probe_success', { probe: 'health' }), 1);
    assert.match(stdout, /status page:\s+http:\S+\//);
    const put = await fetch(faultUrl, { method: 'PUT', body: 'errors=0.5' });
    assert.equal(put.status, 200);
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
