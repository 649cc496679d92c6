/**
 * One hour of one probe as 60 minute slots. On disk the present minutes are stored column by column (which minutes,
 * then every count, every failure count, every latency sum, every distribution) and deflated: a column of "4" and a
 * column of "0" compress to almost nothing, so an hour of a 15 s probe takes about a quarter of its plain size.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Aggregate } from './aggregate.js';
import { ByteReader, ByteWriter } from './codec.js';

/** the layout's version byte: columns as they are (the open hour, rewritten every second) or deflated (a past hour) */
const PLAIN = 1;
const DEFLATED = 2;
const MINUTES = 60;
const BITMAP_BYTES = 8;

export class HourBlock {
  readonly minutes: (Aggregate | undefined)[] = new Array<Aggregate | undefined>(MINUTES).fill(undefined);
  /** the last encodings, until the next add: a block written again unchanged is not encoded again */
  private encoded: [Uint8Array | undefined, Uint8Array | undefined] = [undefined, undefined];
  /** every minute merged, kept as results arrive: the open hour's row is rewritten every second */
  private readonly sum = new Aggregate();

  add(minute: number, ok: boolean, durationMs: number): void {
    const slot = (this.minutes[minute] ??= new Aggregate());
    slot.add(ok, durationMs);
    this.sum.add(ok, durationMs);
    this.encoded = [undefined, undefined];
  }

  /** every minute merged; the caller must not change it */
  total(): Aggregate {
    return this.sum;
  }

  /** `sealed`: the hour is over, deflate it (a quarter of the size; not worth it for a row rewritten every second) */
  encode(sealed = true): Uint8Array {
    const at = sealed ? 1 : 0;
    return (this.encoded[at] ??= this.encodeNow(sealed));
  }

  private encodeNow(sealed: boolean): Uint8Array {
    const present = this.minutes.flatMap((slot, minute) => (slot ? [{ minute, slot }] : []));
    const out = new ByteWriter();
    for (let byte = 0; byte < BITMAP_BYTES; byte++) {
      let bits = 0;
      for (const { minute } of present) if (minute >> 3 === byte) bits |= 1 << (minute & 7);
      out.u8(bits);
    }
    for (const { slot } of present) out.varint(slot.count);
    for (const { slot } of present) out.varint(slot.failures);
    // tenths of a millisecond: sub-millisecond averages without a float on disk
    for (const { slot } of present) out.varint(slot.okSumMs * 10);
    for (const { slot } of present) out.histogram(slot.latency);
    const body = sealed ? deflateRawSync(out.done()) : out.done();
    const blob = new Uint8Array(body.length + 1);
    blob[0] = sealed ? DEFLATED : PLAIN;
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
    const slots = minutes.map((minute) => (block.minutes[minute] = new Aggregate()));
    for (const slot of slots) slot.count = from.varint();
    for (const slot of slots) slot.failures = from.varint();
    for (const slot of slots) slot.okSumMs = from.varint() / 10;
    for (const slot of slots) from.histogram(slot.latency);
    for (const slot of slots) block.sum.merge(slot);
    return block;
  }
}
