/** The evaluation step of the daemon: evaluate, update the gauges, log a severity change, hand the report to incidents. */
import type { Config } from '../config/schema.js';
import type { FindingBuilder } from '../runbook/finding.js';
import type { Logger } from '../support/log.js';
import { redactDeep, type Redactor } from '../support/redact.js';
import type { RunReport } from '../model/types.js';
import { evaluation, type LatestResult } from './evaluate.js';
import { findingBuilderFor } from '../runbook/fill.js';
import { runInSlices } from '../support/slices.js';
import type { IncidentHolder } from './incidents.js';
import type { DaemonMetrics } from '../metrics/daemon-metrics.js';
import type { RollingWindows } from '../metrics/windows.js';

export class Evaluator {
  /** the latest report; null until the first evaluation (readiness) */
  report: RunReport | null = null;

  constructor(private readonly deps: { windows: RollingWindows; metrics: DaemonMetrics; incidents: IncidentHolder; log: Logger; redact: Redactor }) {}

  async run(latest: readonly LatestResult[], config: Config, raise: FindingBuilder): Promise<RunReport> {
    const { windows, metrics, incidents, log } = this.deps;
    const started = performance.now();
    // in slices: at 20,000 endpoints an evaluation is 50–150 ms of CPU, which probes due meanwhile would wait for
    const report = await runInSlices(evaluation(latest, windows, config, Date.now(), raise));
    // probe results were redacted as they arrived; findings may quote config (hosts, paths) and are few
    report.findings = redactDeep(report.findings, this.deps.redact);
    await runInSlices(metrics.windowsInSlices(windows));
    metrics.setSeverity(report.severity);
    const was = this.report?.severity ?? null;
    if (report.severity !== was) {
      const findings = report.findings.map((f) => f.summary);
      if (report.severity) log.warn({ severity: report.severity, was, findings }, `severity ${report.severity}`);
      else log.info({ severity: null, was }, 'all checks healthy');
    }
    // the incident engine judges recovery on the samples since a moment it picks, with the same diagnosis
    const viewSince = async (since: number): Promise<RunReport> => {
      const recent = await runInSlices(windows.sinceInSlices(since));
      const view = await runInSlices(evaluation(latest, recent, config, Date.now(), findingBuilderFor(config)));
      view.findings = redactDeep(view.findings, this.deps.redact);
      return view;
    };
    await incidents.evaluate(report, viewSince);
    metrics.series.update('incidents', incidents.samples());
    this.report = report;
    metrics.evaluated((performance.now() - started) / 1000);
    return report;
  }
}
