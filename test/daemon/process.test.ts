/** `probe daemon` as a process: readiness, metrics that follow an outage, promtool, SIGHUP reload, SIGTERM while a probe hangs. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { parseFault } from '../../src/demo/faults.js';
import { promtoolCheckMetrics } from '../helpers/prom-binary.js';
import { killOnExit, startDaemon, type DaemonProcess } from './harness.js';

const INTERVAL_MS = 1_000;

const configFor = (api: SimulatedApi, extra = ''): string => `
target: ${api.url}
timeout: 30s
kubernetes: { enabled: false }
external: { openai: { enabled: false }, github: { enabled: false } }
incidents: { stateDir: ./data }
daemon: { host: 127.0.0.1, interval: 1s, window: 30s }
${extra}`;

describe('probe daemon (process)', { concurrency: false }, () => {
  let api: SimulatedApi;
  let daemon: DaemonProcess;

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
    daemon = await startDaemon(configFor(api), { args: ['--log-level', 'debug'] });
  });
  after(async () => {
    killOnExit(daemon);
    await api.close();
  });

  test('becomes ready and reports a healthy target as probe_success 1', async () => {
    await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 10_000, 'readiness');
    assert.equal((await daemon.get('/healthz')).status, 200);
    assert.equal((await daemon.get('/readyz')).status, 200);
    assert.equal(await daemon.metric('probe_success', { probe: 'health', kind: 'http' }), 1);
    assert.equal(await daemon.metric('probe_http_status_code', { probe: 'health' }), 200);
    const results = JSON.parse((await daemon.get('/api/results')).text) as { probes: { name: string; status: string }[] };
    assert.equal(results.probes.find((p) => p.name === 'health')?.status, 'pass');
    assert.match((await daemon.get('/')).text, /All checks healthy/);
  });

  test('promtool check metrics reports nothing on a live scrape', async () => {
    const { text } = await daemon.get('/metrics');
    assert.match(text, /probe_request_duration_seconds_bucket\{probe="health",le="\+Inf"\}/);
    assert.deepEqual(await promtoolCheckMetrics(text), { code: 0, output: '' });
  });

  test('an outage turns probe_success to 0 within two intervals', async () => {
    const outageAt = Date.now();
    api.setFault(parseFault('outage'));
    const failing = await daemon.waitFor(
      (l) => l.msg === 'probe health: fail' && Date.parse(String(l['time'])) >= outageAt,
      2 * INTERVAL_MS + 1_000,
      'health failing',
    );
    // the daemon's own timestamp: when it knew, not when this test read the pipe
    const elapsed = Date.parse(String(failing['time'])) - outageAt;
    assert.ok(elapsed <= 2 * INTERVAL_MS, `took ${elapsed} ms`);
    assert.equal(await daemon.metric('probe_success', { probe: 'health' }), 0);
    assert.equal(await daemon.metric('probe_failure_info', { probe: 'health', reason: 'RP_ERR_UNEXPECTED_STATUS' }), 1);
    assert.equal(await daemon.metric('probe_http_status_code', { probe: 'health' }), 503);
    const severity = await daemon.waitFor((l) => l.msg === 'severity P0', 3 * INTERVAL_MS, 'P0');
    assert.ok((severity['findings'] as string[]).some((f) => /down/.test(f)));
    api.setFault(parseFault('none'));
    const recovered = Date.now();
    await daemon.waitFor((l) => l.msg === 'probe health: pass' && Date.parse(String(l['time'])) >= recovered, 3 * INTERVAL_MS, 'health recovered');
  });

  test('SIGHUP with a broken config keeps the old one running and says why', async () => {
    writeFileSync(daemon.configFile, configFor(api).replace('interval: 1s', 'interval: banana'));
    daemon.proc.kill('SIGHUP');
    const failed = await daemon.waitFor((l) => l.msg.startsWith('configuration reload failed'), 5_000, 'reload failure');
    assert.match((failed['problems'] as string[]).join('\n'), /^daemon\.interval: expected a duration like 5s, got "banana" \(config\.yaml:7\)$/);
    assert.equal((await daemon.get('/readyz')).status, 200);
    assert.equal(await daemon.metric('probe_config_last_reload_successful', {}), 0);
    // still probing on the old schedule: an outage is noticed again
    const outageAt = Date.now();
    api.setFault(parseFault('outage'));
    await daemon.waitFor(
      (l) => l.msg === 'probe health: fail' && Date.parse(String(l['time'])) >= outageAt,
      3 * INTERVAL_MS,
      'health failing after a bad reload',
    );
    api.setFault(parseFault('none'));
  });

  test('SIGHUP with a good config applies it', async () => {
    writeFileSync(
      daemon.configFile,
      configFor(api, 'endpoints:\n  - { name: health, path: /health }\n  - { name: extra, path: "/v1/papers?limit=2" }\n'),
    );
    daemon.proc.kill('SIGHUP');
    await daemon.waitFor((l) => l.msg === 'configuration reloaded', 5_000, 'reload');
    await daemon.waitFor((l) => l.msg === 'probe extra: pass', 3 * INTERVAL_MS, 'the new endpoint probed');
    assert.equal(await daemon.metric('probe_config_last_reload_successful', {}), 1);
    const text = (await daemon.get('/metrics')).text;
    assert.equal(/probe="papers-near"/.test(text), false, 'a removed probe leaves /metrics');
  });

  test('SIGTERM exits 0 within 10 s while a probe hangs', async () => {
    const hungAt = Date.now();
    api.setFault(parseFault('hang'));
    // an overlap means a run is still in flight when the next one is due: the probe is hanging now
    await daemon.waitFor(
      (l) => l.msg.startsWith('previous run still going') && Date.parse(String(l['time'])) >= hungAt,
      5 * INTERVAL_MS,
      'a hanging probe',
    );
    const { code, ms } = await daemon.stop('SIGTERM');
    assert.equal(code, 0, daemon.output());
    assert.ok(ms < 10_000, `exit took ${ms} ms`);
    assert.ok(
      daemon.lines.some((l) => l.msg === 'stopped'),
      'logged a clean stop',
    );
  });
});
