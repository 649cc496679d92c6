/** A real Prometheus scrapes the daemon; probe_success is queryable through its HTTP API. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { prometheusBinary, startPrometheus, waitFor, type PrometheusServer } from '../helpers/prometheus-server.js';
import { killOnExit, startDaemon, type DaemonProcess } from './harness.js';

const missing = prometheusBinary() ? false : 'prometheus is not installed (apt-get install prometheus)';

let api: SimulatedApi;
let daemon: DaemonProcess | undefined;
let prometheus: PrometheusServer | undefined;

before(async () => {
  api = await startSimulatedApi({ port: 0 });
});
after(async () => {
  await prometheus?.stop();
  killOnExit(daemon);
  await api.close();
});

test('Prometheus scrapes /metrics and answers probe_success{probe="health"} = 1', { skip: missing }, async () => {
  daemon = await startDaemon(`
target: ${api.url}
kubernetes: { enabled: false }
external: { openai: { enabled: false }, github: { enabled: false } }
incidents: { stateDir: ./data }
daemon: { host: 127.0.0.1, interval: 1s }
`);
  await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 10_000, 'readiness');
  prometheus = await startPrometheus({ targets: [{ job: 'radar-probe', address: new URL(daemon.url).host }] });
  const up = await prometheus.query('up{job="radar-probe"}');
  assert.equal(up.result[0]?.value[1], '1', 'the scrape succeeded (Prometheus parsed the exposition)');
  const sample = await waitFor('probe_success in Prometheus', async () => {
    const data = await prometheus!.query('probe_success{job="radar-probe",probe="health"}');
    return data.result[0];
  });
  assert.equal(sample.metric['kind'], 'http');
  assert.equal(sample.value[1], '1');
  const p99 = await prometheus.query('histogram_quantile(0.99, sum by (le) (probe_request_duration_seconds_bucket{job="radar-probe"}))');
  assert.equal(p99.resultType, 'vector');
  assert.ok(Number(p99.result[0]?.value[1]) > 0, 'the request histogram is usable in PromQL');
});
