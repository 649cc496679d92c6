/** The latest result of every probe, fanned out to the rolling windows and /metrics, with a log line per status change. */
import type { Logger } from '../support/log.js';
import { redactDeep, type Redactor } from '../support/redact.js';
import type { ProbeResult } from '../model/types.js';
import { httpDataOf } from '../model/results.js';
import type { LatestResult } from './evaluate.js';
import type { DaemonMetrics } from '../metrics/daemon-metrics.js';
import type { ScheduledProbe } from './plan.js';
import type { RollingWindows } from '../metrics/windows.js';

/** A probe waiting longer than this share of its interval for our own connections needs a bigger pool or fewer probes. */
export const QUEUE_WARN_FRACTION = 0.25;

export class LatestResults {
  private readonly latest = new Map<string, LatestResult>();
  /** probes whose requests currently queue too long behind our own pool (warned once until they recover) */
  private readonly queueing = new Set<string>();

  constructor(
    private readonly windows: RollingWindows,
    private readonly metrics: DaemonMetrics,
    private readonly log: Logger,
    private readonly redact: Redactor,
  ) {}

  /** Returns the result as kept: redacted once here, so reports and /api/results need no pass over every probe. */
  record(raw: ProbeResult, everyMs: number | undefined, now = Date.now()): ProbeResult {
    const result = redactDeep(raw, this.redact);
    const before = this.latest.get(result.name)?.result;
    // one literal per shape, not a spread of a fresh { everyMs } into it: this runs for every result
    this.latest.set(result.name, everyMs !== undefined ? { result, finishedAt: now, everyMs } : { result, finishedAt: now });
    this.windows.record(result, now);
    this.metrics.observe(result);
    // Only transitions are logged: a probe failing every 15 s is one line, not 240 an hour.
    if (before?.status !== result.status) {
      const level = result.status === 'fail' || result.status === 'error' ? 'warn' : 'info';
      this.log[level](
        { probe: result.name, kind: result.kind, status: result.status, was: before?.status ?? null, error: result.error, reason: result.reason },
        `probe ${result.name}: ${result.status}`,
      );
    }
    this.watchQueue(result, everyMs);
    return result;
  }

  /** Time spent behind our own pool is our capacity problem, not the API's latency: say so once, and when it clears. */
  private watchQueue(result: ProbeResult, everyMs: number | undefined): void {
    const samples = httpDataOf(result)?.samples;
    if (!samples?.length || everyMs === undefined) return;
    const queueMs = Math.max(...samples.map((s) => s.queueMs ?? 0));
    const over = queueMs > QUEUE_WARN_FRACTION * everyMs;
    if (over === this.queueing.has(result.name)) return;
    const detail = { probe: result.name, queueMs, intervalMs: everyMs };
    if (over) {
      this.queueing.add(result.name);
      this.log.warn(
        detail,
        `probe ${result.name}: requests waited ${queueMs} ms for a connection of the probe's own pool (over ${QUEUE_WARN_FRACTION * 100} % of the ${everyMs} ms interval); fewer endpoints per interval or a longer interval would keep up. This wait is not counted as the API's latency`,
      );
    } else {
      this.queueing.delete(result.name);
      this.log.info(detail, `probe ${result.name}: no longer waiting for the probe's own connection pool`);
    }
  }

  inPlanOrder(plan: readonly ScheduledProbe[]): LatestResult[] {
    return plan.flatMap((p) => this.latest.get(p.spec.name) ?? []);
  }

  /** After a reload: probes that no longer exist leave the results, the windows and /metrics. */
  retain(names: ReadonlySet<string>): void {
    for (const name of [...this.latest.keys()]) {
      if (names.has(name)) continue;
      this.latest.delete(name);
      this.queueing.delete(name);
      this.metrics.forget(name);
    }
    this.windows.retain(names);
  }
}
