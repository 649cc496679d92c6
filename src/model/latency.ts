/** A latency block from the HTTP probes' samples, for scenarios without a load run (verify, errors, smoke without load). */
import { answeredSamples, httpDataOf } from './results.js';
import type { LatencySummary, ProbeResult } from './types.js';

export function quantileOf(sorted: ArrayLike<number>, q: number): number | null {
  if (sorted.length === 0) return null;
  // nearest-rank, the definition k6 and most load tools report
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

export function httpSampleLatency(results: readonly ProbeResult[]): LatencySummary | undefined {
  const ok: number[] = [];
  let requests = 0;
  let errors = 0;
  let timeouts = 0;
  let totalMs = 0;
  for (const result of results) {
    if (result.kind !== 'http') continue;
    for (const sample of answeredSamples(httpDataOf(result))) {
      requests++;
      totalMs += sample.ms;
      if (sample.ok) ok.push(sample.ms);
      else errors++;
    }
    if (result.error?.code === 'RP_ERR_RESPONSE_TIMEOUT' || result.error?.code === 'RP_ERR_PROBE_TIMEOUT') timeouts++;
  }
  if (requests === 0) return undefined;
  ok.sort((a, b) => a - b);
  return {
    requests,
    errors,
    timeouts,
    errorRate: errors / requests,
    rps: totalMs > 0 ? (requests * 1000) / totalMs : 0,
    p50Ms: quantileOf(ok, 0.5),
    p90Ms: quantileOf(ok, 0.9),
    p95Ms: quantileOf(ok, 0.95),
    p99Ms: quantileOf(ok, 0.99),
    maxMs: ok.at(-1) ?? null,
    avgMs: ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : null,
    source: 'http-samples',
    countedAs: "errors and timeouts count in errorRate; percentiles are over successful samples; samples cut by the run's own budget are not counted",
  };
}
