/**
 * Acceptance 3: a real Prometheus scrapes the simulated API; the query probe reads error rate and p95 and they
 * match the injected faults. Two API instances run one fault each (the simulated API holds one fault at a time),
 * a third target is a closed port so `up == 0` drives the APIDown alert.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as pause } from 'node:timers/promises';
import { prometheusProbe } from '../../../probes/prometheus/index.js';
import { runProbe as runKind, type ProbeOutcome } from '../../../probes/types.js';
import { startSimulatedApi, type SimulatedApi } from '../../../src/demo/api.js';
import { parseFault } from '../../../src/demo/faults.js';
import { testConfig, testContext } from '../../helpers/context.js';
import { freePort, prometheusBinary, startPrometheus, waitFor, type PrometheusServer } from '../../helpers/prometheus-server.js';
import { seriesValue } from '../../helpers/providers.js';

const ERROR_RATE = 0.3;
const LATENCY_MS = 200;
// api_request_duration_seconds buckets around the injected latency: histogram_quantile can only place p95 inside it
const BUCKET_MS = { low: 100, high: 250 };

const RULES = `groups:
  - name: api
    interval: 1s
    rules:
      - alert: HighErrorRate
        expr: sum(rate(api_requests_total{status=~"5.."}[1m])) / sum(rate(api_requests_total[1m])) > 0.05
      - alert: SlowAPIRequests
        expr: histogram_quantile(0.95, sum by (le) (rate(api_request_duration_seconds_bucket[1m]))) > 0.5
      - alert: APIDown
        expr: up{job="down"} == 0
      - alert: Watchdog
        expr: vector(1)
`;

/** Steady traffic (one request every `everyMs`) so the counters grow across several 1 s scrapes. */
async function drive(url: string, durationMs: number, everyMs: number): Promise<number[]> {
  const pending: Promise<number>[] = [];
  const end = Date.now() + durationMs;
  while (Date.now() < end) {
    pending.push(
      fetch(url).then(
        async (res) => (await res.arrayBuffer(), res.status),
        () => 0,
      ),
    );
    await pause(everyMs); // pacing the load, not waiting for a condition
  }
  return Promise.all(pending);
}

async function runProbe(yaml: string): Promise<ProbeOutcome> {
  const ctx = testContext(testConfig(yaml), { timeoutMs: 5_000 });
  try {
    return await runKind(prometheusProbe, {}, ctx);
  } finally {
    await ctx.close();
  }
}

const binary = prometheusBinary();

describe('prometheus probe against a real Prometheus', { skip: binary ? false : 'prometheus binary not installed', timeout: 60_000 }, () => {
  let errorsApi: SimulatedApi;
  let latencyApi: SimulatedApi;
  let prom: PrometheusServer;
  let sent = { errors: [] as number[], latency: [] as number[] };

  before(async () => {
    [errorsApi, latencyApi] = await Promise.all([
      startSimulatedApi({ fault: parseFault(`errors=${ERROR_RATE}`) }),
      startSimulatedApi({ fault: parseFault(`latency=${LATENCY_MS}`) }),
    ]);
    prom = await startPrometheus({
      targets: [
        { job: 'errors', address: `127.0.0.1:${errorsApi.port}` },
        { job: 'latency', address: `127.0.0.1:${latencyApi.port}` },
        { job: 'down', address: `127.0.0.1:${await freePort()}` },
      ],
      rules: RULES,
    });
    const [errors, latency] = await Promise.all([
      drive(`${errorsApi.url}/v1/papers?limit=10`, 5_000, 20),
      drive(`${latencyApi.url}/v1/papers?limit=10`, 5_000, 20),
    ]);
    sent = { errors, latency };
    // wait until Prometheus has scraped the final counter values of both APIs
    await waitFor('the last scrape of both APIs', async () => {
      const data = await prom.query('sum by (job) (api_requests_total)');
      const byJob = Object.fromEntries(data.result.map((r) => [r.metric.job, Number(r.value[1])]));
      return byJob.errors === errors.length && byJob.latency === latency.length ? true : undefined;
    });
  });
  after(async () => {
    await prom?.stop();
    await Promise.all([errorsApi?.close(), latencyApi?.close()]);
  });

  test('error rate and p95 match the injected faults (configurable queries, $window substituted)', async () => {
    const observed = sent.errors.filter((s) => s >= 500).length / sent.errors.length;
    const out = await runProbe(`prometheus:
  url: ${prom.url}
  window: 1m
  queries:
    errorRate: sum(rate(api_requests_total{job="errors",status=~"5.."}[$window])) / sum(rate(api_requests_total{job="errors"}[$window]))
    p95: histogram_quantile(0.95, sum by (le) (rate(api_request_duration_seconds_bucket{job="latency"}[$window])))
`);
    assert.equal(out.status, 'pass', JSON.stringify(out.error));
    const m = out.metrics as { errorRate: number; p95Ms: number; requestRate: number };
    assert.ok(Math.abs(observed - ERROR_RATE) < 0.01, `the API served ${observed} errors`);
    assert.ok(Math.abs(m.errorRate - ERROR_RATE) <= 0.05, `errorRate ${m.errorRate} vs injected ${ERROR_RATE}`);
    assert.ok(m.p95Ms > BUCKET_MS.low && m.p95Ms <= BUCKET_MS.high, `p95 ${m.p95Ms} ms vs injected ${LATENCY_MS} ms`);
    assert.ok(m.requestRate > 0);
    assert.deepEqual(out.details?.realTraffic, { errorRate: m.errorRate, p95Ms: m.p95Ms, requestRate: m.requestRate });
    assert.match(String((out.details?.queries as Record<string, string>).errorRate), /\[1m\]/);
    assert.equal(seriesValue(out, 'probe_prometheus_error_ratio'), m.errorRate);
    assert.ok(Math.abs(seriesValue(out, 'probe_prometheus_p95_seconds')! * 1000 - m.p95Ms) < 0.01);
    console.log(
      `# measured: errorRate ${m.errorRate} (injected ${ERROR_RATE}), p95 ${m.p95Ms} ms (injected ${LATENCY_MS} ms), requestRate ${m.requestRate}/s`,
    );
  });

  test('default queries over both APIs: error rate is errors / all requests', async () => {
    const errors = sent.errors.filter((s) => s >= 500).length;
    const expected = errors / (sent.errors.length + sent.latency.length);
    const out = await runProbe(`prometheus: { url: "${prom.url}", window: 1m, alerts: [] }\n`);
    assert.equal(out.status, 'pass', JSON.stringify(out.error));
    const m = out.metrics as { errorRate: number; p95Ms: number; firingAlerts: null };
    assert.ok(Math.abs(m.errorRate - expected) <= 0.05, `errorRate ${m.errorRate} vs ${expected}`);
    assert.ok(m.p95Ms > BUCKET_MS.low && m.p95Ms <= BUCKET_MS.high, `p95 ${m.p95Ms}`);
    assert.equal(m.firingAlerts, null, 'no alerts watched, none read');
  });

  test('firing alerts: only the watched ones, with a 0/1 series each', async () => {
    await waitFor('HighErrorRate and APIDown firing', async () => {
      const res = await fetch(`${prom.url}/api/v1/alerts`);
      const doc = (await res.json()) as { data: { alerts: { labels: { alertname: string }; state: string }[] } };
      const firing = doc.data.alerts.filter((a) => a.state === 'firing').map((a) => a.labels.alertname);
      return firing.includes('HighErrorRate') && firing.includes('APIDown') ? true : undefined;
    });
    const out = await runProbe(`prometheus: { url: "${prom.url}", window: 1m }\n`);
    assert.equal(out.status, 'pass');
    assert.deepEqual([...(out.metrics?.firingAlerts as string[])].sort(), ['APIDown', 'HighErrorRate']);
    assert.equal(seriesValue(out, 'probe_prometheus_alert_firing', { alert: 'HighErrorRate' }), 1);
    assert.equal(seriesValue(out, 'probe_prometheus_alert_firing', { alert: 'APIDown' }), 1);
    assert.equal(seriesValue(out, 'probe_prometheus_alert_firing', { alert: 'SlowAPIRequests' }), 0);
    assert.equal(seriesValue(out, 'probe_prometheus_alert_firing', { alert: 'Watchdog' }), undefined);
  });

  test('a bad query → error RP_ERR_PROM_QUERY with Prometheus own error text; the good ones still reported', async () => {
    const out = await runProbe(`prometheus:\n  url: ${prom.url}\n  window: 1m\n  queries: { errorRate: "sum(rate(api_requests_total[$window])" }\n`);
    assert.equal(out.status, 'error');
    assert.equal(out.error?.code, 'RP_ERR_PROM_QUERY');
    assert.match(out.error.message, /^errorRate: bad_data: .*parse error/);
    assert.equal(out.metrics?.errorRate, null);
    assert.ok((out.metrics?.p95Ms as number) > 0);
  });

  test('a range-vector expression → RP_ERR_PROM_QUERY explaining why; a metric nobody exports → null with a note', async () => {
    const range = await runProbe(`prometheus:\n  url: ${prom.url}\n  queries: { requestRate: "api_requests_total[$window]" }\n`);
    assert.equal(range.error?.code, 'RP_ERR_PROM_QUERY');
    assert.match(range.error.message, /range vector/);
    const empty = await runProbe(`prometheus:\n  url: ${prom.url}\n  queries: { errorRate: "sum(rate(no_such_metric_total[$window]))" }\n`);
    assert.equal(empty.status, 'pass');
    assert.equal(empty.metrics?.errorRate, null);
    assert.match(String((empty.details?.notes as Record<string, string>).errorRate), /no series/);
    assert.equal(seriesValue(empty, 'probe_prometheus_error_ratio'), undefined);
  });
});
