/** Rolling windows of endpoint samples: error rate and p95 over the last `daemon.window`, per probe and overall. */
import { SampleLog, type PooledSamples, type WindowStats } from './sample-log.js';
import type { LatencySummary, ProbeResult } from '../model/types.js';
import { answeredSamples, httpDataOf } from '../model/results.js';
import { selectRanks } from '../support/select.js';
import { runThrough, SLICE_ITEMS, type Sliced } from '../support/slices.js';

/** A probe that samples far faster than its window would otherwise grow without bound. */
const MAX_SAMPLES_PER_PROBE = 10_000;

export type { WindowStats } from './sample-log.js';

export class RollingWindows {
  private readonly logs = new Map<string, SampleLog>();
  private overallCache: LatencySummary | undefined | null = null;

  constructor(
    private windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  setWindow(ms: number): void {
    this.overallCache = null;
    this.windowMs = ms;
  }

  /**
   * Takes every answered sample of an HTTP result; a result without data (the probe itself timed out) counts as one
   * failure; samples our own budget cut (abandoned) count nowhere.
   */
  record(result: ProbeResult, at = this.now()): void {
    if (result.kind !== 'http' || result.status === 'skipped') return;
    const data = httpDataOf(result);
    const samples = answeredSamples(data);
    if (data && samples.length === 0 && data.samples.length > 0) return;
    let log = this.logs.get(result.name);
    if (!log) this.logs.set(result.name, (log = new SampleLog(MAX_SAMPLES_PER_PROBE)));
    this.overallCache = null;
    // Like the one-shot's sample latency: a timed-out result counts as one timeout, on its last failed sample.
    const timedOut = /TIMEOUT/.test(result.error?.code ?? '');
    if (samples.length === 0) log.push(at, result.durationMs, false, timedOut);
    let lastFailed = samples.length - 1;
    while (lastFailed >= 0 && samples[lastFailed].ok) lastFailed--;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      log.push(at, s.ms, s.ok, timedOut && i === lastFailed, s.certificateRejected === true);
    }
  }

  /**
   * The same windows holding only the samples taken after `from`: what the incident engine judges a recovery (or
   * a new episode) on, so an outage that ended is not read again from the window's memory.
   */
  since(from: number): RollingWindows {
    return runThrough(this.sinceInSlices(from));
  }

  /** `since`, yielding between slices of probes (support/slices.ts) */
  *sinceInSlices(from: number): Sliced<RollingWindows> {
    const view = new RollingWindows(this.windowMs, this.now);
    let done = 0;
    for (const [name, log] of this.logs) {
      if (++done % SLICE_ITEMS === 0) yield;
      const kept = new SampleLog(MAX_SAMPLES_PER_PROBE);
      log.forEach((at, ms, ok, timedOut, rejected) => at > from && kept.push(at, ms, ok, timedOut, rejected));
      view.logs.set(name, kept);
    }
    return view;
  }

  /** Forget probes that no longer exist (after a reload). */
  retain(names: ReadonlySet<string>): void {
    this.overallCache = null;
    for (const name of this.logs.keys()) if (!names.has(name)) this.logs.delete(name);
  }

  prune(): void {
    this.overallCache = null;
    const oldest = this.now() - this.windowMs;
    for (const log of this.logs.values()) log.prune(oldest);
  }

  names(): string[] {
    return [...this.logs.keys()];
  }

  stats(name: string): WindowStats | undefined {
    return this.logs.get(name)?.stats();
  }

  /** Every endpoint's samples together, as the latency block severity and diagnosis read. */
  overall(): LatencySummary | undefined {
    if (this.overallCache === null) this.overallCache = this.computeOverall();
    return this.overallCache;
  }

  private computeOverall(): LatencySummary | undefined {
    let requests = 0;
    for (const log of this.logs.values()) requests += log.size;
    if (requests === 0) return undefined;
    // one typed array of every successful sample; the ranks are selected in it, not sorted (see selectRanks)
    const pooled: PooledSamples = { ok: new Float64Array(requests), n: 0, errors: 0, timeouts: 0, sum: 0 };
    for (const log of this.logs.values()) log.pool(pooled);
    const { n, errors, timeouts, sum } = pooled;
    const ok = pooled.ok.subarray(0, n);
    const at = (q: number): number => Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
    if (n > 0) selectRanks(ok, [at(0.5), at(0.9), at(0.95), at(0.99), n - 1]);
    const rank = (q: number): number | null => (n === 0 ? null : ok[at(q)]);
    return {
      requests,
      errors,
      timeouts,
      errorRate: errors / requests,
      rps: requests / (this.windowMs / 1000),
      p50Ms: rank(0.5),
      p90Ms: rank(0.9),
      p95Ms: rank(0.95),
      p99Ms: rank(0.99),
      maxMs: n ? ok[n - 1] : null,
      avgMs: n ? sum / n : null,
      source: 'daemon-window',
      windowMs: this.windowMs,
      countedAs:
        'every endpoint sample in the window; errors and timeouts count in errorRate, percentiles are over successful samples (nearest rank)',
    };
  }
}
