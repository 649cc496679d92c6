/**
 * What history keeps per probe and period (a minute, an hour, a day): how many results counted, how many failed, the
 * latency sum and distribution of the successful ones. Skipped results count nowhere: a probe without its dependency
 * configured has no uptime, not 100 %.
 */
import { ByteReader, ByteWriter } from './codec.js';
import { LatencyHistogram } from './latency-histogram.js';

/** percentage 0..100 with up to three decimals, null without data */
export function uptimePercent(count: number, failures: number): number | null {
  return count === 0 ? null : Math.round((100_000 * (count - failures)) / count) / 1000;
}

export class Aggregate {
  count = 0;
  failures = 0;
  /** sum of the successful results' durations, ms */
  okSumMs = 0;
  readonly latency = new LatencyHistogram();

  add(ok: boolean, durationMs: number): void {
    this.count += 1;
    if (!ok) {
      this.failures += 1;
      return;
    }
    this.okSumMs += durationMs;
    this.latency.add(durationMs);
  }

  merge(other: Aggregate): void {
    this.count += other.count;
    this.failures += other.failures;
    this.okSumMs += other.okSumMs;
    this.latency.merge(other.latency);
  }

  uptime(): number | null {
    return uptimePercent(this.count, this.failures);
  }

  /** from a row of the hours or days table: totals in columns, the distribution in a blob */
  static fromRow(row: { count: number; failures: number; ok_sum_ms: number; latency: Uint8Array }): Aggregate {
    const a = new Aggregate();
    a.count = row.count;
    a.failures = row.failures;
    a.okSumMs = row.ok_sum_ms;
    new ByteReader(row.latency).histogram(a.latency);
    return a;
  }
}

export function encodeHistogram(hist: LatencyHistogram): Uint8Array {
  const out = new ByteWriter();
  out.histogram(hist);
  return out.done();
}
