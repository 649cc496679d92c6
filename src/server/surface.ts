/** What the HTTP server shows, read from the daemon's state; everything that leaves is redacted. */
import type { Config } from '../config/schema.js';
import { redactDeep, type Redactor } from '../support/redact.js';
import type { Runner } from '../runner/runner.js';
import type { MetricSample, RunReport } from '../model/types.js';
import { blackboxProbe } from './blackbox.js';
import type { LatestResult } from '../model/types.js';
import type { IncidentManager } from '../incidents/manager.js';
import type { DaemonMetrics } from '../metrics/daemon-metrics.js';
import type { DaemonSurface } from './server.js';
import { judge, type HealthCondition, type HealthVerdict } from './health.js';
import { statusPage } from './status-page.js';
import type { LoadRunStore } from './load-run-store.js';
import { controlTokens } from '../config/sections/incidents.js';
import { statusDocument } from './status-api.js';
import type { HistoryStore } from '../history/store.js';

export interface SurfaceSource {
  metrics: DaemonMetrics;
  /** the daemon's incident engine, as the routes read it */
  incidents: { readonly manager: IncidentManager | undefined; samples(): MetricSample[]; degraded(): string | null };
  /** the status history, as the daemon holds it */
  history: { readonly current: HistoryStore | undefined; samples(): MetricSample[] };
  /** the configured probes in plan order */
  probes(): { name: string; kind: string }[];
  redact: Redactor;
  config(): Config;
  runner(): Runner;
  report(): RunReport | null;
  latest(): LatestResult[];
  /** null while the evaluation loop keeps cycling; otherwise why the daemon is not alive */
  liveness(): string | null;
  loadRuns: LoadRunStore;
}

export function daemonSurface(src: SurfaceSource): DaemonSurface {
  return {
    metrics: async () => {
      src.metrics.series.update('incidents', src.incidents.samples());
      src.metrics.series.update('history', src.history.samples());
      return { contentType: src.metrics.registry.contentType, text: await src.metrics.text() };
    },
    liveness: () => judge([() => notAlive(src.liveness())], 'ok'),
    readiness: () => judge(readyConditions(src), 'ready'),
    results: () => {
      const report = src.report();
      const probes = src.latest().map(({ result: { series: _series, data: _data, ...result }, finishedAt }) => ({
        ...result,
        finishedAt: new Date(finishedAt).toISOString(),
      }));
      // results are stored redacted (see LatestResults.record)
      return { updatedAt: report?.startedAt ?? null, severity: report?.severity ?? null, probes };
    },
    report: () => src.report(),
    statusPage: () => src.redact(statusPage({ service: src.config().service, report: src.report() })),
    status: () => {
      const manager = src.incidents.manager;
      const document = statusDocument({
        service: src.config().service,
        now: Date.now(),
        intervalMs: src.config().daemon.interval,
        report: src.report(),
        incidents: manager?.list() ?? null,
        notices: manager?.notices() ?? [],
        maintenance: manager?.maintenanceWindows() ?? [],
        probes: src.latest().map(({ result, finishedAt }) => ({
          name: result.name,
          kind: result.kind,
          status: result.status,
          durationMs: result.durationMs,
          detail: result.error ? `${result.error.code}: ${result.error.message}` : (result.reason ?? ''),
          finishedAt: new Date(finishedAt).toISOString(),
        })),
      });
      return redactDeep(document, src.redact);
    },
    blackbox: (query, timeout) => blackboxProbe(query, timeout, src.config(), src.runner().http),
    incidents: () => src.incidents.manager,
    loadRuns: () => ({ store: src.loadRuns, tokens: controlTokens(src.config().incidents) }),
    history: () => {
      const latest = new Map(src.latest().map(({ result }) => [result.name, result.status]));
      const probes = src.probes().map(({ name, kind }) => ({ probe: name, kind, current: latest.get(name) ?? null }));
      return { service: src.config().service, store: src.history.current, probes };
    },
  };
}

function notAlive(problem: string | null): HealthVerdict | null {
  return problem === null ? null : { status: 503, text: `not alive: ${problem}` };
}

/** /readyz: the first condition that fails answers */
function readyConditions(src: SurfaceSource): HealthCondition[] {
  return [
    // 503, not 200: see docs/state-durability.md (readiness only takes the pod out of Service endpoints; liveness is untouched)
    () => {
      const degraded = src.incidents.degraded();
      return degraded === null ? null : { status: 503, text: `degraded: ${degraded}` };
    },
    () => (src.report() === null ? { status: 503, text: 'not ready: waiting for the first evaluation cycle' } : null),
  ];
}
