/**
 * Real-traffic figures from Prometheus, beside the synthetic ones: the runbook's "Monitoring During Incident"
 * expressions (error rate, p95, request rate) as instant queries, and which of its alerts are firing.
 */
import type { ErrorInfo } from '../../src/model/errors.js';
import type { MetricRecord, MetricSample } from '../../src/model/types.js';
import { promGet, promServer, type PromAnswer } from './client.js';
import { instantValue, watchedAlerts, type Combine } from './values.js';
import type { ProbeKind, ProbeOutcome } from '../types.js';
import { skipped } from '../types.js';
import { prometheusSettings, type PrometheusSettings } from './settings.js';

import { prometheusParams, type PrometheusProbeParams } from './params.js';

export { prometheusParams, type PrometheusProbeParams } from './params.js';

/** A query may return several series (an un-aggregated expression): the worst ratio or latency, the total rate. */
const QUERIES: readonly { key: 'errorRate' | 'p95' | 'requestRate'; combine: Combine }[] = [
  { key: 'errorRate', combine: 'max' },
  { key: 'p95', combine: 'max' },
  { key: 'requestRate', combine: 'sum' },
];

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

export const prometheusProbe: ProbeKind<PrometheusProbeParams, PrometheusSettings> = {
  name: 'prometheus',
  params: prometheusParams,
  settings: prometheusSettings,
  async run(_params, ctx): Promise<ProbeOutcome> {
    const cfg = ctx.settings;
    if (!cfg.url.trim()) return skipped('prometheus.url is empty; real-traffic figures are not read (set PROMETHEUS_URL)');
    const server = promServer(cfg.url);
    if (!server) return { status: 'error', error: { code: 'RP_ERR_CONFIG_INVALID', message: 'prometheus.url is not an http(s) URL' } };
    const common = { server, timeoutMs: Math.min(ctx.timeoutMs, cfg.timeout), signal: ctx.signal, http: ctx.http };
    const expressions = Object.fromEntries(QUERIES.map((q) => [q.key, cfg.queries[q.key].replaceAll('$window', cfg.window)]));
    const [answers, alertsAnswer] = await Promise.all([
      Promise.all(QUERIES.map((q) => promGet({ ...common, path: '/api/v1/query', params: { query: expressions[q.key] } }))),
      cfg.alerts.length ? promGet({ ...common, path: '/api/v1/alerts' }) : Promise.resolve<PromAnswer | null>(null),
    ]);

    const problems: { what: string; error: ErrorInfo }[] = [];
    const values: Record<string, number | null> = {};
    const notes: MetricRecord = {};
    const seriesCounts: MetricRecord = {};
    QUERIES.forEach((q, i) => {
      const answer = answers[i];
      values[q.key] = null;
      if (!answer.ok) return void problems.push({ what: q.key, error: answer.error });
      const parsed = instantValue(answer.data, q.combine);
      if (!parsed.ok) return void problems.push({ what: q.key, error: { code: 'RP_ERR_PROM_QUERY', message: parsed.message } });
      values[q.key] = parsed.value;
      seriesCounts[q.key] = parsed.series;
      if (parsed.note) notes[q.key] = parsed.note;
    });
    let firingAlerts: string[] | null = null;
    let alertStates: MetricRecord[] = [];
    if (alertsAnswer && !alertsAnswer.ok) problems.push({ what: 'alerts', error: alertsAnswer.error });
    if (alertsAnswer?.ok) {
      const watched = watchedAlerts(alertsAnswer.data, cfg.alerts);
      firingAlerts = [...new Set(watched.filter((a) => a.state === 'firing').map((a) => a.name))];
      alertStates = watched.map((a) => ({ ...a }));
    }

    const errorRate = values.errorRate === null ? null : round(values.errorRate, 6);
    const p95Ms = values.p95 === null ? null : round(values.p95 * 1000, 3);
    const requestRate = values.requestRate === null ? null : round(values.requestRate, 6);
    const series: MetricSample[] = [];
    if (errorRate !== null)
      series.push({ name: 'probe_prometheus_error_ratio', help: 'Real-traffic error ratio read from Prometheus', value: errorRate });
    if (values.p95 !== null)
      series.push({ name: 'probe_prometheus_p95_seconds', help: 'Real-traffic p95 latency read from Prometheus', value: values.p95 });
    if (requestRate !== null)
      series.push({ name: 'probe_prometheus_request_rate', help: 'Real-traffic request rate read from Prometheus (requests/s)', value: requestRate });
    if (firingAlerts) {
      for (const alert of cfg.alerts) {
        series.push({
          name: 'probe_prometheus_alert_firing',
          help: 'Whether the watched Prometheus alert is firing',
          value: firingAlerts.includes(alert) ? 1 : 0,
          labels: { alert },
        });
      }
    }
    const outcome: ProbeOutcome = {
      status: 'pass',
      metrics: { errorRate, p95Ms, requestRate, firingAlerts },
      data: { kind: 'prometheus', errorRate, p95Ms, requestRate, firingAlerts },
      details: { realTraffic: { errorRate, p95Ms, requestRate }, window: cfg.window, queries: expressions, seriesCounts, notes, alerts: alertStates },
      series,
    };
    const aborted = problems.find((p) => p.error.code === 'RP_ERR_PROBE_ABORTED');
    const unreachable = problems.find((p) => p.error.code === 'RP_ERR_PROM_UNREACHABLE');
    if (aborted || unreachable) {
      outcome.status = 'error';
      outcome.error = { code: (aborted ?? unreachable)!.error.code, message: ctx.redact((aborted ?? unreachable)!.error.message) };
    } else if (problems.length) {
      outcome.status = 'error';
      outcome.error = { code: 'RP_ERR_PROM_QUERY', message: ctx.redact(problems.map((p) => `${p.what}: ${p.error.message}`).join('; ')) };
    }
    return outcome;
  },
};
