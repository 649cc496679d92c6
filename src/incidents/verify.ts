/**
 * The runbook's Post-Incident "Verify Resolution" checks, as applied to one evaluation. Error rate and latency
 * come from the report's load block when there is one; pod health from restart / readiness findings.
 */
import type { RunReport } from '../model/types.js';
import { isPodHealthCause } from '../runbook/catalogue.js';

export const VERIFY_MAX_ERROR_RATE = 0.01;
export const VERIFY_MAX_P95_MS = 300;

/** Reasons this report fails verification (empty = verification holds for this evaluation). */
export function verifyFailures(report: RunReport): string[] {
  const failures: string[] = [];
  const latency = report.latency;
  if (latency) {
    if (Number.isFinite(latency.errorRate) && latency.errorRate >= VERIFY_MAX_ERROR_RATE) {
      failures.push(`error rate ${(latency.errorRate * 100).toFixed(2)} % (needs < 1 %)`);
    }
    if (latency.p95Ms !== null && latency.p95Ms >= VERIFY_MAX_P95_MS)
      failures.push(`p95 ${latency.p95Ms.toFixed(1)} ms (needs < ${VERIFY_MAX_P95_MS} ms)`);
  }
  const pods = [...new Set(report.findings.filter((f) => isPodHealthCause(f.cause)).map((f) => f.cause))];
  if (pods.length > 0) failures.push(`pods not healthy or restarting (${pods.join(', ')})`);
  return failures;
}
