/**
 * The report as the engine trusts it: findings with a known severity and string fields. Anything malformed is
 * dropped with a reason instead of breaking an evaluation cycle.
 */
import { SEVERITIES, type Finding, type RunReport, type Severity } from '../model/types.js';

const isSeverity = (value: unknown): value is Severity => typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export interface CleanReport {
  findings: Finding[];
  report: RunReport;
  dropped: string[];
}

export function cleanReport(input: RunReport): CleanReport {
  const dropped: string[] = [];
  const findings: Finding[] = [];
  const raw: unknown[] = Array.isArray(input?.findings) ? input.findings : [];
  for (const [index, item] of raw.entries()) {
    const f = item as Partial<Finding> | null;
    if (!f || typeof f.cause !== 'string' || f.cause === '' || !isSeverity(f.severity)) {
      dropped.push(`findings[${index}]: needs a cause and a severity P0..P3`);
      continue;
    }
    findings.push({
      cause: f.cause,
      severity: f.severity,
      summary: typeof f.summary === 'string' ? f.summary : f.cause,
      evidence: strings(f.evidence),
      runbook: typeof f.runbook === 'string' ? f.runbook : '',
      actions: strings(f.actions),
      ...(f.correlated === true ? { correlated: true } : {}),
    });
  }
  // a severity without any diagnosed cause still deserves an incident (family "other")
  if (findings.length === 0 && isSeverity(input?.severity)) findings.push(unclassified(input));
  const report: RunReport = {
    ...input,
    findings,
    latency: input?.latency && typeof input.latency === 'object' ? input.latency : undefined,
  };
  if (report.latency === undefined) delete report.latency;
  return { findings, report, dropped };
}

function unclassified(report: RunReport): Finding {
  const failing = (Array.isArray(report.probes) ? report.probes : [])
    .filter((p) => p && (p.status === 'fail' || p.status === 'error'))
    .map((p) => `probe ${p.name}: ${p.status}`);
  const thresholds = (Array.isArray(report.thresholds) ? report.thresholds : [])
    .filter((t) => t && !t.ok)
    .map((t) => `threshold ${t.expr} breached (actual ${t.actual})`);
  return {
    cause: 'unclassified',
    severity: report.severity as Severity,
    summary: `Scenario ${report.scenario} rated ${report.severity} without a diagnosed cause`,
    evidence: [...failing, ...thresholds].slice(0, 10),
    runbook: 'Initial Response › Step 1: Assess Severity',
    actions: [],
  };
}
