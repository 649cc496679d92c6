/** /metrics content: promtool-clean, generic `series` export with bounded labels, stale series removed, scrape cost. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DaemonMetrics } from '../../src/metrics/daemon-metrics.js';
import { RollingWindows } from '../../src/metrics/windows.js';
import type { ProbeResult } from '../../src/model/types.js';
import { promtoolCheckMetrics, promtoolMissing } from '../helpers/prom-binary.js';
import { metricValue } from '../daemon/harness.js';

const ok = (name: string, ms = 3): ProbeResult => ({
  name,
  kind: 'http',
  status: 'pass',
  durationMs: ms,
  metrics: { statusCode: 200, phases: { resolve: 0.1, connect: 0.2, tls: 0, processing: ms - 0.5, transfer: 0.2 } },
  details: { sampleDurationsMs: [ms], sampleOk: [true] },
  data: {
    kind: 'http',
    path: '/',
    method: 'GET',
    statusCode: 200,
    bytes: 0,
    phases: { resolve: 0.1, connect: 0.2, tls: 0, processing: ms - 0.5, transfer: 0.2 },
    samples: [{ ms, ok: true, timedOut: false, status: 200 }],
  },
});

/**
 * CPU time of one scrape render, in ms: on a shared machine wall time measures the neighbours, not the render. The
 * render is synchronous string building, so its CPU time is what it takes on an idle core.
 */
async function renderCpuMs(metrics: DaemonMetrics): Promise<{ ms: number; size: number }> {
  const started = process.cpuUsage();
  const size = (await metrics.text()).length;
  const used = process.cpuUsage(started);
  return { ms: (used.user + used.system) / 1000, size };
}

function collect(): { metrics: DaemonMetrics; warnings: string[] } {
  const warnings: string[] = [];
  return {
    metrics: new DaemonMetrics(
      (message, detail) => warnings.push(`${message} ${JSON.stringify(detail)}`),
      (t) => t.replaceAll('hunter2', '[REDACTED]'),
    ),
    warnings,
  };
}

describe('DaemonMetrics', () => {
  test('a mixed set of results renders a text promtool accepts', { skip: promtoolMissing }, async () => {
    const { metrics } = collect();
    metrics.observe(ok('health'));
    metrics.observe({
      name: 'we"ird\\name',
      kind: 'http',
      status: 'fail',
      durationMs: 9,
      metrics: { statusCode: null, phases: {} },
      details: { sampleDurationsMs: [9], sampleOk: [false] },
      data: {
        kind: 'http',
        path: '/',
        method: 'GET',
        statusCode: null,
        bytes: 0,
        phases: null,
        samples: [{ ms: 9, ok: false, timedOut: false, status: null }],
      },
      error: { code: 'RP_ERR_CONN_REFUSED', message: 'refused' },
    });
    metrics.observe({
      name: 'db-connect',
      kind: 'postgres',
      status: 'pass',
      durationMs: 4,
      metrics: {},
      series: [
        { name: 'probe_db_up', help: 'Database answered', value: 1 },
        { name: 'probe_db_backends', help: 'Backends by state', value: 3, labels: { state: 'active' } },
        { name: 'probe_db_queries_total', help: 'Statements seen', value: 42 },
      ],
    });
    metrics.observe({ name: 'kubernetes', kind: 'kubernetes', status: 'skipped', durationMs: 0, metrics: {} });
    const windows = new RollingWindows(60_000);
    windows.record(ok('health'));
    metrics.setWindows(windows);
    metrics.setSeverity('P2');
    metrics.lag(0.003);
    metrics.overlap('health');
    const text = await metrics.text();
    assert.deepEqual(await promtoolCheckMetrics(text), { code: 0, output: '' });
    assert.equal(metricValue(text, 'probe_success', { probe: 'health', kind: 'http' }), 1);
    assert.equal(metricValue(text, 'probe_success', { probe: 'kubernetes' }), undefined, 'a skipped probe has no probe_success');
    assert.equal(metricValue(text, 'probe_skipped', { probe: 'kubernetes' }), 1);
    assert.equal(metricValue(text, 'probe_failure_info', { reason: 'RP_ERR_CONN_REFUSED' }), 1);
    assert.equal(metricValue(text, 'probe_db_backends', { probe: 'db-connect', state: 'active' }), 3);
    assert.equal(metricValue(text, 'probe_db_queries_total', { probe: 'db-connect' }), 42);
    assert.equal(metricValue(text, 'probe_severity', { severity: 'P2' }), 1);
    assert.equal(metricValue(text, 'probe_severity', { severity: 'P0' }), 0);
    assert.equal(metricValue(text, 'probe_window_error_ratio', { probe: 'health' }), 0);
    assert.match(text, /^probe_http_duration_seconds\{probe="health",phase="processing"\} 0\.0025$/m);
  });

  test('failure reason series follow the latest result; forget() removes every series of a probe', async () => {
    const { metrics } = collect();
    const failing = (code: 'RP_ERR_CONN_REFUSED' | 'RP_ERR_RESPONSE_TIMEOUT'): ProbeResult => ({
      ...ok('api'),
      status: 'fail',
      error: { code, message: 'x' },
    });
    metrics.observe(failing('RP_ERR_CONN_REFUSED'));
    metrics.observe(failing('RP_ERR_RESPONSE_TIMEOUT'));
    let text = await metrics.text();
    assert.equal(metricValue(text, 'probe_failure_info', { reason: 'RP_ERR_CONN_REFUSED' }), undefined);
    assert.equal(metricValue(text, 'probe_failure_info', { reason: 'RP_ERR_RESPONSE_TIMEOUT' }), 1);
    metrics.observe(ok('api'));
    text = await metrics.text();
    assert.equal(/probe_failure_info\{/.test(text), false);
    assert.equal(metricValue(text, 'probe_runs_total', { probe: 'api', result: 'fail' }), 2);
    metrics.forget('api');
    assert.equal(/probe="api"/.test(await metrics.text()), false);
  });

  test('series: bad names, reserved labels and changing label sets are dropped with one warning; values redacted; stale series removed', async () => {
    const { metrics, warnings } = collect();
    const withSeries = (series: ProbeResult['series']): ProbeResult => ({ name: 'p', kind: 'x', status: 'pass', durationMs: 1, metrics: {}, series });
    metrics.observe(
      withSeries([
        { name: 'not_prefixed', help: 'h', value: 1 },
        { name: 'probe_success', help: 'h', value: 1 },
        { name: 'probe_x', help: 'h', value: 1, labels: { probe: 'spoof' } },
        { name: 'probe_y', help: 'h', value: 2, labels: { who: 'hunter2' } },
      ]),
    );
    metrics.observe(withSeries([{ name: 'probe_y', help: 'h', value: 3, labels: { other: 'a' } }]));
    metrics.observe(withSeries([{ name: 'probe_y', help: 'h', value: 3, labels: { other: 'b' } }]));
    const text = await metrics.text();
    assert.equal(/not_prefixed|probe_x\{/.test(text), false);
    assert.equal(/probe_y\{/.test(text), false, 'the label-set change dropped the sample, and the earlier series is stale');
    assert.equal(warnings.length, 4, warnings.join('\n'));
    metrics.observe(withSeries([{ name: 'probe_y', help: 'h', value: 5, labels: { who: 'hunter2' } }]));
    assert.equal(metricValue(await metrics.text(), 'probe_y', { who: '[REDACTED]' }), 5);
  });

  test('a scrape with 1,000 endpoint probes takes well under 50 ms of CPU', async () => {
    const { metrics } = collect();
    for (let i = 0; i < 1000; i++) for (let run = 0; run < 3; run++) metrics.observe(ok(`endpoint-${i}`, 2 + (i % 7)));
    const runs: { ms: number; size: number }[] = [];
    for (let i = 0; i < 7; i++) runs.push(await renderCpuMs(metrics));
    const times = runs.map((r) => r.ms).sort((a, b) => a - b);
    const median = times[3];
    assert.ok(runs[0].size > 1_000_000, `${runs[0].size} bytes`);
    assert.ok(median < 50, `median scrape ${median.toFixed(1)} ms (all: ${times.map((t) => t.toFixed(1)).join(', ')})`);
  });

  test('beyond the endpoint limit: no per-endpoint histograms or phase gauges, summary gauges present; a scrape at 5,000 is ≤ 2 MB', async () => {
    const { metrics } = collect();
    const windows = new RollingWindows(300_000);
    metrics.detailUpTo(5000, 100);
    for (let i = 0; i < 5000; i++) {
      const result = ok(`endpoint-${String(i).padStart(4, '0')}`, 2 + (i % 7));
      metrics.observe(result);
      windows.record(result);
    }
    metrics.setWindows(windows);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push((await renderCpuMs(metrics)).ms);
    const text = await metrics.text();
    assert.doesNotMatch(text, /^probe_request_duration_seconds_(bucket|sum|count)\{/m);
    assert.doesNotMatch(text, /^probe_http_duration_seconds\{/m);
    assert.equal(metricValue(text, 'probe_success', { probe: 'endpoint-4999' }), 1);
    assert.equal(metricValue(text, 'probe_duration_seconds', { probe: 'endpoint-4999' }), 0.003);
    assert.equal(metricValue(text, 'probe_http_status_code', { probe: 'endpoint-4999' }), 200);
    assert.equal(metricValue(text, 'probe_window_p95_seconds', { probe: 'endpoint-4999' }), 0.003);
    assert.ok(text.length <= 2_000_000, `${text.length} bytes`);
    times.sort((a, b) => a - b);
    assert.ok(times[2] < 50, `median scrape ${times[2].toFixed(1)} ms of CPU`);
  });

  test('crossing the limit drops the histograms already there; back under it they return', async () => {
    const { metrics } = collect();
    metrics.observe(ok('a'));
    assert.match(await metrics.text(), /^probe_request_duration_seconds_count\{probe="a"\} 1$/m);
    metrics.detailUpTo(2, 1);
    assert.doesNotMatch(await metrics.text(), /^probe_(request|http)_duration_seconds/m);
    metrics.detailUpTo(1, 1);
    metrics.observe(ok('a'));
    assert.match(await metrics.text(), /^probe_request_duration_seconds_count\{probe="a"\} 1$/m);
  });
});
