/**
 * One hour of one probe as 60 minute slots. On disk the present minutes are stored column by column (which minutes,
 * then every count, every failure count, every latency sum, every distribution) and deflated: a column of "4" and a
 * column of "0" compress to almost nothing, so an hour of a 15 s probe takes about a quarter of its plain size.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Aggregate } from './aggregate.js';
import { bucketOf } from './latency-histogram.js';
import { ByteReader, ByteWriter } from './codec.js';

/** the layout's version byte: columns as they are (the open hour, rewritten every minute) or deflated (a past hour) */
const PLAIN = 1;
const DEFLATED = 2;
const MINUTES = 60;
const BITMAP_BYTES = 8;

export class HourBlock {
  /**
   * Per minute [present, count, failures, latency sum] in one array; every minute's distribution as [minute, bucket,
   * count] triples in (minute, bucket) order in another. An Aggregate with its Map per minute cost about 420 bytes:
   * 500 MB of heap at the end of every hour with 20,000 endpoints every 10 s. This way a full hour is a few kilobytes,
   * and an hour just begun under a kilobyte (both arrays grow with the minutes that have results).
   */
  private totals = new Float64Array(0);
  private readonly buckets: number[] = [];
  /** the last encodings, until the next add: a block written again unchanged is not encoded again */
  private encoded: [Uint8Array | undefined, Uint8Array | undefined] = [undefined, undefined];
  /** every minute merged, kept as results arrive: the open hour's row is rewritten every minute */
  private readonly sum = new Aggregate();

  add(minute: number, ok: boolean, durationMs: number): void {
    this.count(minute, 1, ok ? 0 : 1, ok ? durationMs : 0);
    if (ok) this.addBucket(minute, bucketOf(durationMs), 1);
    this.sum.add(ok, durationMs);
    this.encoded = [undefined, undefined];
  }

  /** the minutes with results, as aggregates (a copy) */
  get minutes(): (Aggregate | undefined)[] {
    const slots = Array.from({ length: MINUTES }, (_, minute) => {
      if (!this.totals[minute * 4]) return undefined;
      const slot = new Aggregate();
      [slot.count = 0, slot.failures = 0, slot.okSumMs = 0] = this.totals.subarray(minute * 4 + 1, minute * 4 + 4);
      return slot;
    });
    const b = this.buckets;
    for (let i = 0; i < b.length; i += 3) slots[b[i]]?.latency.addBucket(b[i + 1], b[i + 2]);
    return slots;
  }

  /** every minute merged; the caller must not change it */
  total(): Aggregate {
    return this.sum;
  }

  /** `sealed`: the hour is over, deflate it (a quarter of the size; not worth it for a row rewritten every minute) */
  encode(sealed = true): Uint8Array {
    const at = sealed ? 1 : 0;
    return (this.encoded[at] ??= this.encodeNow(sealed));
  }

  private count(minute: number, count: number, failures: number, okSumMs: number): void {
    if (this.totals.length < minute * 4 + 4) {
      // grown a quarter of an hour at a time
      const grown = new Float64Array(Math.min(MINUTES, Math.ceil((minute + 1) / 15) * 15) * 4);
      grown.set(this.totals);
      this.totals = grown;
    }
    this.totals[minute * 4] = 1;
    this.totals[minute * 4 + 1] += count;
    this.totals[minute * 4 + 2] += failures;
    this.totals[minute * 4 + 3] += okSumMs;
  }

  /** results arrive in time order: the triple is nearly always at the end, or appended */
  private addBucket(minute: number, bucket: number, count: number): void {
    const b = this.buckets;
    let i = b.length - 3;
    while (i >= 0 && (b[i] > minute || (b[i] === minute && b[i + 1] > bucket))) i -= 3;
    if (i >= 0 && b[i] === minute && b[i + 1] === bucket) b[i + 2] += count;
    else b.splice(i + 3, 0, minute, bucket, count);
  }

  private encodeNow(sealed: boolean): Uint8Array {
    const present: number[] = [];
    for (let minute = 0; minute < MINUTES; minute++) if (this.totals[minute * 4]) present.push(minute);
    const out = new ByteWriter();
    // an open hour's blob is written straight after its version byte: one copy out of the scratch buffer, not two
    if (!sealed) out.u8(PLAIN);
    // indexed loops: array iterators here were a good part of the garbage of the every-second rewrite of each open hour
    for (let byte = 0; byte < BITMAP_BYTES; byte++) {
      let bits = 0;
      for (let m = 0; m < present.length; m++) if (present[m] >> 3 === byte) bits |= 1 << (present[m] & 7);
      out.u8(bits);
    }
    for (let column = 1; column <= 3; column++)
      // the latency sum in tenths of a millisecond: sub-millisecond averages without a float on disk
      for (let m = 0; m < present.length; m++) out.varint(this.totals[present[m] * 4 + column] * (column === 3 ? 10 : 1));
    const b = this.buckets;
    let i = 0;
    for (let m = 0; m < present.length; m++) {
      const minute = present[m];
      let n = 0;
      while (i + 3 * n < b.length && b[i + 3 * n] === minute) n++;
      out.varint(n);
      for (; n > 0; n--, i += 3) {
        out.u8(b[i + 1]);
        out.varint(b[i + 2]);
      }
    }
    if (!sealed) return out.done();
    const body = deflateRawSync(out.done());
    const blob = new Uint8Array(body.length + 1);
    blob[0] = DEFLATED;
    blob.set(body, 1);
    return blob;
  }

  static decode(bytes: Uint8Array): HourBlock {
    const version = bytes[0];
    if (version !== PLAIN && version !== DEFLATED) throw new RangeError(`history hour block version ${version} is not known to this build`);
    const from = new ByteReader(version === DEFLATED ? inflateRawSync(bytes.subarray(1)) : bytes.subarray(1));
    const minutes: number[] = [];
    for (let byte = 0; byte < BITMAP_BYTES; byte++) {
      const bits = from.u8();
      for (let bit = 0; bit < 8; bit++) if (bits & (1 << bit)) minutes.push(byte * 8 + bit);
    }
    if (minutes.some((m) => m >= MINUTES)) throw new RangeError('history hour block names a minute past 59');
    const block = new HourBlock();
    const counts = minutes.map(() => from.varint());
    const failures = minutes.map(() => from.varint());
    const okSums = minutes.map(() => from.varint() / 10);
    minutes.forEach((minute, i) => block.count(minute, counts[i], failures[i], okSums[i]));
    for (const minute of minutes)
      for (let n = from.varint(); n > 0; n--) {
        const bucket = from.u8();
        block.addBucket(minute, bucket, from.varint());
      }
    for (const slot of block.minutes) if (slot) block.sum.merge(slot);
    return block;
  }
}
