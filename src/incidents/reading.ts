/**
 * What one evaluation says about the service, for the lifecycle: the rolling window's findings (what is wrong,
 * how badly) and the findings over only the samples since the service's mark (is it still failing). The window
 * remembers an outage for minutes after it ended; judging recovery on it would hold a recovered incident open,
 * and judging a new episode on it would reopen one.
 */
import type { RunReport } from '../model/types.js';
import { splitByScope } from '../runbook/dependencies.js';
import type { ServiceReading } from './lifecycle.js';
import { cleanReport, type CleanReport } from './report-input.js';
import { verifyFailures } from './verify.js';

/** the same probes evaluated over only the samples taken after `since` (the daemon evaluates it in slices) */
export type ViewSince = (since: number) => RunReport | Promise<RunReport>;

export async function readService(full: CleanReport, mark: number | null, viewSince: ViewSince | undefined, now: number): Promise<ServiceReading> {
  const findings = splitByScope(full.findings).service;
  // a mark older than the rolling window changes nothing: the window already starts after it
  const windowMs = full.report.latency?.['windowMs'];
  const beforeWindow = mark !== null && typeof windowMs === 'number' && mark < now - windowMs;
  if (mark === null || !viewSince || beforeWindow) {
    return { findings, recent: findings, verifyFailures: verifyFailures(full.report), evidence: true, judgedFrom: mark ?? now };
  }
  const recent = cleanReport(await viewSince(mark));
  return {
    findings,
    recent: splitByScope(recent.findings).service,
    verifyFailures: verifyFailures(recent.report),
    // no sample since the mark (e.g. every probe still in flight): nothing to judge either way
    evidence: (recent.report.latency?.requests ?? 0) > 0,
    judgedFrom: mark,
  };
}
