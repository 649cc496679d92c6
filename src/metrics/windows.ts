/** Rolling windows of endpoint samples: error rate and p95 over the last `daemon.window`, per probe and overall. */
import { quantileOf } from '../model/latency.js';
import type { LatencySummary, ProbeResult } from '../model/types.js';
import { answeredSamples, httpDataOf } from '../model/results.js';

/** A probe that samples far faster than its window would otherwise grow without bound. */
const MAX_SAMPLES_PER_PROBE = 10_000;

export interface WindowStats {
  samples: number;
  errors: number;
  errorRatio: number;
  /** over successful samples; null when none succeeded */
  p95Ms: number | null;
  /** failed samples at the end of the window, most recent last: the "is it down right now" reading */
  failingStreak: number;
  /**
   * The same counts over the samples that reached the API past the handshake: a certificate rejection is the
   * certificate finding's, so the endpoints' symptoms (outage, error rate) are read off these.
   */
  reached: { samples: number; errors: number; failingStreak: number };
}

/** Failed samples at the end of `ok`, skipping the ones `skip` marks. */
function streakOf(ok: readonly boolean[], skip: readonly boolean[]): number {
  let streak = 0;
  for (let i = ok.length - 1; i >= 0; i--) {
    if (skip[i]) continue;
    if (ok[i]) break;
    streak++;
  }
  return streak;
}

class SampleLog {
  at: number[] = [];
  ms: number[] = [];
  ok: boolean[] = [];
  timedOut: boolean[] = [];
  certificateRejected: boolean[] = [];
  /** stats are read several times per evaluation (diagnosis, gauges, status page); computed once per change */
  private cached: WindowStats | null = null;

  push(at: number, ms: number, ok: boolean, timedOut = false, certificateRejected = false): void {
    this.at.push(at);
    this.ms.push(ms);
    this.ok.push(ok);
    this.timedOut.push(timedOut);
    this.certificateRejected.push(certificateRejected);
    this.cached = null;
    if (this.at.length > MAX_SAMPLES_PER_PROBE) this.drop(this.at.length - MAX_SAMPLES_PER_PROBE);
  }

  prune(oldest: number): void {
    let n = 0;
    while (n < this.at.length && this.at[n] < oldest) n++;
    if (n > 0) this.drop(n);
  }

  private drop(n: number): void {
    this.at.splice(0, n);
    this.ms.splice(0, n);
    this.ok.splice(0, n);
    this.timedOut.splice(0, n);
    this.certificateRejected.splice(0, n);
    this.cached = null;
  }

  okDurations(): number[] {
    return this.ms.filter((_, i) => this.ok[i]);
  }

  stats(): WindowStats {
    return (this.cached ??= this.compute());
  }

  private compute(): WindowStats {
    const samples = this.ok.length;
    const errors = this.ok.reduce((n, ok) => (ok ? n : n + 1), 0);
    const rejected = this.certificateRejected.reduce((n, r) => (r ? n + 1 : n), 0);
    return {
      samples,
      errors,
      errorRatio: samples ? errors / samples : 0,
      p95Ms: quantileOf(
        this.okDurations().sort((a, b) => a - b),
        0.95,
      ),
      failingStreak: streakOf(this.ok, []),
      // a rejected sample always failed: removing it removes one sample and one error
      reached: { samples: samples - rejected, errors: errors - rejected, failingStreak: streakOf(this.ok, this.certificateRejected) },
    };
  }
}

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
    if (!log) this.logs.set(result.name, (log = new SampleLog()));
    this.overallCache = null;
    // Like the one-shot's sample latency: a timed-out result counts as one timeout, on its last failed sample.
    const timedOut = /TIMEOUT/.test(result.error?.code ?? '');
    if (samples.length === 0) log.push(at, result.durationMs, false, timedOut);
    const lastFailed = samples.map((s) => s.ok).lastIndexOf(false);
    samples.forEach((s, i) => log.push(at, s.ms, s.ok, timedOut && i === lastFailed, s.certificateRejected === true));
  }

  /**
   * The same windows holding only the samples taken after `from`: what the incident engine judges a recovery (or
   * a new episode) on, so an outage that ended is not read again from the window's memory.
   */
  since(from: number): RollingWindows {
    const view = new RollingWindows(this.windowMs, this.now);
    for (const [name, log] of this.logs) {
      const kept = new SampleLog();
      for (let i = 0; i < log.at.length; i++)
        if (log.at[i] > from) kept.push(log.at[i], log.ms[i], log.ok[i], log.timedOut[i], log.certificateRejected[i]);
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
    for (const log of this.logs.values()) requests += log.ok.length;
    if (requests === 0) return undefined;
    // a typed array sorts numerically without a comparator: ~5× faster at 1,000 probes × a 5-minute window
    const all = new Float64Array(requests);
    let n = 0;
    let errors = 0;
    let timeouts = 0;
    let sum = 0;
    for (const log of this.logs.values()) {
      for (let i = 0; i < log.ok.length; i++) {
        if (log.ok[i]) sum += all[n++] = log.ms[i]!;
        else errors++;
        if (log.timedOut[i]) timeouts++;
      }
    }
    const ok = all.subarray(0, n).sort();
    const rank = (q: number): number | null => (n === 0 ? null : ok[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]);
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
