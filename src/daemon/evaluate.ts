/**
 * One evaluation: the latest result of every probe plus the rolling windows → diagnosis → severity → a RunReport
 * (scenario "daemon") that incidents and the status page read.
 */
import type { Config } from '../config/schema.js';
import { diagnose } from '../diagnosis/index.js';
import { diagnosisContext } from '../diagnosis/context.js';
import { endpointReading, type EndpointReading } from '../diagnosis/input.js';
import type { FindingBuilder } from '../runbook/finding.js';
import { findingBuilderFor } from '../runbook/fill.js';
import { gateVerdict, publicResult } from '../scenarios/run-scenario.js';
import { worstSeverity } from '../model/severity.js';
import type { LatestResult, ProbeResult, RunReport } from '../model/types.js';
import type { RollingWindows } from '../metrics/windows.js';
import { mapSliced, runThrough, type Sliced } from '../support/slices.js';

/** Consecutive failed samples that make an endpoint "down": one bad sample is noise, two in a row is an outage. */
export const DOWN_AFTER_SAMPLES = 2;
/**
 * An endpoint already erring at a partial-degradation rate before its latest streak fails in runs by chance (at 60 %
 * two in a row is likelier than not): it is down only after several in a row.
 */
export const FLAKY_DOWN_AFTER_SAMPLES = 5;

export type { LatestResult } from '../model/types.js';

/**
 * The diagnosis reads an endpoint as consistently failing when most samples it is given failed, and as erring in
 * proportion otherwise. Here "down" must mean the last few samples failed (fast outage detection), while the error
 * rate must come from the whole window (one sample per run says nothing about a 30 % error rate).
 */
function windowedEndpoint(result: ProbeResult, windows: RollingWindows, flakyRate: number): EndpointReading {
  const latest = endpointReading(result);
  // certificate rejections are the certificate finding's (see reachedSamples), never this endpoint's outage or error rate
  const stats = windows.stats(result.name)?.reached;
  if (!stats || stats.samples === 0) return latest;
  const streak = stats.failingStreak;
  const before = stats.samples - streak;
  const flaky = before > 0 && (stats.errors - streak) / before >= flakyRate;
  // never from a single sample (a window a restart just emptied holds one): one failed sample is not an outage
  const down = streak >= (flaky ? FLAKY_DOWN_AFTER_SAMPLES : DOWN_AFTER_SAMPLES);
  const samples = down ? streak : stats.samples;
  const failures = down ? streak : stats.errors;
  const status = down ? (result.status === 'pass' ? 'fail' : result.status) : stats.errors > 0 ? 'fail' : 'pass';
  return { ...latest, status, samples, failures };
}

export function evaluate(
  latest: readonly LatestResult[],
  windows: RollingWindows,
  config: Config,
  now = Date.now(),
  raise: FindingBuilder = findingBuilderFor(config),
): RunReport {
  return runThrough(evaluation(latest, windows, config, now, raise));
}

/** `evaluate`, yielding between slices of probes (the daemon serves its event loop there: support/slices.ts) */
export function* evaluation(
  latest: readonly LatestResult[],
  windows: RollingWindows,
  config: Config,
  now: number,
  raise: FindingBuilder,
): Sliced<RunReport> {
  const started = performance.now();
  // A result older than both the window and two of its own intervals says nothing about now (e.g. a nightly load run).
  const fresh = latest.filter((l) => now - l.finishedAt <= Math.max(config.daemon.window, 2 * (l.everyMs ?? 0)));
  const results = fresh.map((l) => l.result);
  windows.prune();
  const summary = windows.overall();
  const http = results.filter((r) => r.kind === 'http');
  const endpoints = yield* mapSliced(http, (r) => windowedEndpoint(r, windows, config.severity.errorRate.P2));
  const findings = diagnose({ results, endpoints, latency: { summary, fromLoad: false }, windowed: true }, diagnosisContext(config, raise));
  const severity = worstSeverity(findings.map((f) => f.severity));
  const probes = yield* mapSliced(latest, (l) => publicResult(l.result));
  return {
    scenario: 'daemon',
    target: config.target,
    startedAt: new Date(now).toISOString(),
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    passed: gateVerdict(results, [], severity, config.severity.gate),
    severity,
    probes,
    ...(summary ? { latency: summary } : {}),
    findings,
    thresholds: [],
  };
}
