/**
 * One probe's samples in a rolling window, oldest first, in typed ring buffers: two numbers and a flag byte per
 * sample instead of five JS arrays, and dropping the oldest moves an index instead of splicing every array (at
 * 20,000 endpoints a 5-minute window holds 600,000 samples).
 */
import { quantileOf } from '../model/latency.js';

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

export type SampleVisitor = (at: number, ms: number, ok: boolean, timedOut: boolean, certificateRejected: boolean) => void;

/** what SampleLog.pool adds to: `ok` must have room for every sample pooled */
export interface PooledSamples {
  ok: Float64Array;
  n: number;
  errors: number;
  timeouts: number;
  sum: number;
}

const OK = 1;
const TIMED_OUT = 2;
const CERTIFICATE_REJECTED = 4;
/** a probe every 10 s in a 5-minute window holds 30 samples: start small, double up to the limit */
const FIRST_CAPACITY = 8;

export class SampleLog {
  private at = new Float64Array(FIRST_CAPACITY);
  private ms = new Float64Array(FIRST_CAPACITY);
  private flags = new Uint8Array(FIRST_CAPACITY);
  private head = 0;
  private count = 0;
  /** stats are read several times per evaluation (diagnosis, gauges, status page); computed once per change */
  private cached: WindowStats | null = null;

  /** past `limit` samples the oldest is dropped: a probe that samples far faster than its window stays bounded */
  constructor(private readonly limit: number) {}

  get size(): number {
    return this.count;
  }

  push(at: number, ms: number, ok: boolean, timedOut = false, certificateRejected = false): void {
    if (this.count === this.at.length) {
      if (this.count < this.limit) this.grow(Math.min(this.limit, this.count * 2));
      else this.dropOldest(1);
    }
    const i = this.slot(this.count);
    this.at[i] = at;
    this.ms[i] = ms;
    this.flags[i] = (ok ? OK : 0) | (timedOut ? TIMED_OUT : 0) | (certificateRejected ? CERTIFICATE_REJECTED : 0);
    this.count++;
    this.cached = null;
  }

  prune(oldest: number): void {
    let n = 0;
    while (n < this.count && this.at[this.slot(n)] < oldest) n++;
    if (n > 0) this.dropOldest(n);
  }

  /** every sample, oldest first */
  forEach(visit: SampleVisitor): void {
    for (let k = 0; k < this.count; k++) {
      const i = this.slot(k);
      const flags = this.flags[i];
      visit(this.at[i], this.ms[i], (flags & OK) !== 0, (flags & TIMED_OUT) !== 0, (flags & CERTIFICATE_REJECTED) !== 0);
    }
  }

  /**
   * Adds this window's counts to `into` and appends its successful durations at `into.n` (the pooled summary of every
   * endpoint: 600,000 samples at 20,000 endpoints, where a callback per sample was a third of the evaluation).
   */
  pool(into: PooledSamples): void {
    const { ok } = into;
    for (let k = 0; k < this.count; k++) {
      const i = this.slot(k);
      const flags = this.flags[i];
      if (flags & OK) into.sum += ok[into.n++] = this.ms[i];
      else into.errors++;
      if (flags & TIMED_OUT) into.timeouts++;
    }
  }

  stats(): WindowStats {
    return (this.cached ??= this.compute());
  }

  private slot(k: number): number {
    const i = this.head + k;
    return i >= this.at.length ? i - this.at.length : i;
  }

  private dropOldest(n: number): void {
    this.head = this.slot(n);
    this.count -= n;
    this.cached = null;
  }

  private grow(capacity: number): void {
    const at = new Float64Array(capacity);
    const ms = new Float64Array(capacity);
    const flags = new Uint8Array(capacity);
    for (let k = 0; k < this.count; k++) {
      const i = this.slot(k);
      at[k] = this.at[i];
      ms[k] = this.ms[i];
      flags[k] = this.flags[i];
    }
    [this.at, this.ms, this.flags, this.head] = [at, ms, flags, 0];
  }

  /** failed samples at the end, newest backwards, skipping the ones carrying `skip` */
  private streak(skip: number): number {
    let streak = 0;
    for (let k = this.count - 1; k >= 0; k--) {
      const flags = this.flags[this.slot(k)];
      if (flags & skip) continue;
      if (flags & OK) break;
      streak++;
    }
    return streak;
  }

  private compute(): WindowStats {
    const okMs = new Float64Array(this.count);
    let n = 0;
    let rejected = 0;
    for (let k = 0; k < this.count; k++) {
      const i = this.slot(k);
      if (this.flags[i] & OK) okMs[n++] = this.ms[i];
      if (this.flags[i] & CERTIFICATE_REJECTED) rejected++;
    }
    const errors = this.count - n;
    return {
      samples: this.count,
      errors,
      errorRatio: this.count ? errors / this.count : 0,
      // a typed array sorts numerically without a comparator
      p95Ms: quantileOf(okMs.subarray(0, n).sort(), 0.95),
      failingStreak: this.streak(0),
      // a rejected sample always failed: removing it removes one sample and one error
      reached: { samples: this.count - rejected, errors: errors - rejected, failingStreak: this.streak(CERTIFICATE_REJECTED) },
    };
  }
}
