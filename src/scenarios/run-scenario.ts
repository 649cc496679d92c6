/** One scenario, once: plan → run probes → diagnose → thresholds → verdict. Shared by the one-shot CLI and the daemon. */
import type { Config } from '../config/schema.js';
import { diagnose } from '../diagnosis/index.js';
import { diagnosisContext } from '../diagnosis/context.js';
import { diagnosisInput } from '../diagnosis/input.js';
import { httpSampleLatency } from '../model/latency.js';
import type { Runner } from '../runner/runner.js';
import { meetsGate, worstSeverity } from '../model/severity.js';
import { evaluateThresholds } from '../model/thresholds.js';
import type { ProbeResult, RunReport, Severity, ThresholdResult } from '../model/types.js';
import type { ScenarioPlan } from './plan.js';

export interface ScenarioRunOptions {
  plan: ScenarioPlan;
  config: Config;
  runner: Runner;
  /** extra checks decided outside the scenario, e.g. a --baseline comparison; they gate like thresholds */
  extraChecks?: (report: RunReport) => ThresholdResult[];
}

/** The JSON contract lists probe fields; findings are lifted to the report, gauges stay with /metrics. */
export function publicResult(result: ProbeResult): ProbeResult {
  const { findings: _findings, series: _series, data: _data, ...rest } = result;
  return rest;
}

/** The gate: no probe failed or erred, every threshold held, and nothing at or above the gate severity. */
export function gateVerdict(
  results: readonly ProbeResult[],
  thresholds: readonly ThresholdResult[],
  severity: Severity | null,
  gate: Severity,
): boolean {
  const probeBroken = results.some((r) => r.status === 'fail' || r.status === 'error');
  return !probeBroken && thresholds.every((t) => t.ok) && !meetsGate(severity, gate);
}

export async function runScenario(options: ScenarioRunOptions): Promise<{ report: RunReport; results: ProbeResult[] }> {
  const { plan, config, runner } = options;
  const startedAt = new Date();
  const began = performance.now();
  const results = await runner.runAll(plan.specs);
  const loadResult = results.find((r) => r.latency);
  const latency = loadResult?.latency ?? httpSampleLatency(results);
  const findings = diagnose(diagnosisInput(results, { summary: latency, fromLoad: Boolean(loadResult) }), diagnosisContext(config, runner.raise));
  const thresholds = plan.thresholds.length ? evaluateThresholds(plan.thresholds, latency) : [];
  const severity = worstSeverity(findings.map((f) => f.severity));
  const report: RunReport = {
    scenario: plan.name,
    target: config.target,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round((performance.now() - began) * 1000) / 1000,
    passed: false,
    severity,
    probes: results.map(publicResult),
    ...(loadResult?.latency ? { latency: loadResult.latency } : {}),
    findings,
    thresholds,
  };
  report.thresholds.push(...(options.extraChecks?.(report) ?? []));
  report.passed = gateVerdict(results, report.thresholds, severity, config.severity.gate);
  return { report, results };
}
