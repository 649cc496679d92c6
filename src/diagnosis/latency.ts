import type { DiagnosisContext } from './context.js';
import { severityForP95 } from '../model/severity.js';
import type { Finding, LatencySummary } from '../model/types.js';

const ms = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(1)} ms`);

/** Scenario 3 (slow responses), banded by the severity table; the error rate is read in endpoints.ts with its scope. */
export function diagnoseLatency(latency: LatencySummary | undefined, ctx: DiagnosisContext): Finding[] {
  if (!latency || latency.requests === 0) return [];
  const findings: Finding[] = [];
  const slow = severityForP95(latency.p95Ms, ctx.bands);
  if (slow) {
    findings.push(
      ctx.raise('high_latency', {
        severity: slow,
        summary: `p95 latency ${ms(latency.p95Ms)} (normal < 300 ms)`,
        evidence: [
          `p50 ${ms(latency.p50Ms)}, p95 ${ms(latency.p95Ms)}, p99 ${ms(latency.p99Ms)}, max ${ms(latency.maxMs)} over ${latency.requests} requests`,
        ],
      }),
    );
  }
  return findings;
}
