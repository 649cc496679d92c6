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

  write(out: ByteWriter): void {
    out.varint(this.count);
    out.varint(this.failures);
    // tenths of a millisecond: sub-millisecond averages without a float on disk
    out.varint(this.okSumMs * 10);
    out.histogram(this.latency);
  }

  /** from a row's columns: the day rows keep their totals in columns and the distribution in a blob */
  static fromRow(row: { count: number; failures: number; ok_sum_ms: number; latency: Uint8Array }): Aggregate {
    const a = new Aggregate();
    a.count = row.count;
    a.failures = row.failures;
    a.okSumMs = row.ok_sum_ms;
    new ByteReader(row.latency).histogram(a.latency);
    return a;
  }

  static read(from: ByteReader): Aggregate {
    const a = new Aggregate();
    a.count = from.varint();
    a.failures = from.varint();
    a.okSumMs = from.varint() / 10;
    from.histogram(a.latency);
    return a;
  }
}

const BLOCK_VERSION = 1;

/** One hour of one probe as 60 minute slots; on disk only the minutes that hold results. */
export class HourBlock {
  readonly minutes: (Aggregate | undefined)[] = new Array<Aggregate | undefined>(60).fill(undefined);

  add(minute: number, ok: boolean, durationMs: number): void {
    const slot = (this.minutes[minute] ??= new Aggregate());
    slot.add(ok, durationMs);
  }

  total(fromMinute = 0, toMinute = 59): Aggregate {
    const sum = new Aggregate();
    for (let m = fromMinute; m <= toMinute; m++) {
      const slot = this.minutes[m];
      if (slot) sum.merge(slot);
    }
    return sum;
  }

  encode(): Uint8Array {
    const out = new ByteWriter();
    out.u8(BLOCK_VERSION);
    this.minutes.forEach((slot, minute) => {
      if (!slot) return;
      out.u8(minute);
      slot.write(out);
    });
    return out.done();
  }

  static decode(bytes: Uint8Array): HourBlock {
    const block = new HourBlock();
    const from = new ByteReader(bytes);
    const version = from.u8();
    if (version !== BLOCK_VERSION) throw new RangeError(`history hour block version ${version} is not known to this build`);
    while (from.more) {
      const minute = from.u8();
      if (minute > 59) throw new RangeError(`history hour block names minute ${minute}`);
      block.minutes[minute] = Aggregate.read(from);
    }
    return block;
  }
}

export function encodeHistogram(hist: LatencyHistogram): Uint8Array {
  const out = new ByteWriter();
  out.histogram(hist);
  return out.done();
}
