/** Unsigned LEB128 varints and the histogram's sparse form: what the hour and day blobs are made of. */
import { LatencyHistogram } from './latency-histogram.js';

/** one scratch buffer for every writer (the process writes one blob at a time); done() copies out what was written */
let scratch = new Uint8Array(4096);
/** which writer owns the scratch buffer: a writer started while another was still writing would corrupt its bytes */
let generation = 0;
/** the buckets of the histogram being written, sorted in place: no entry arrays or sort copies per row */
const bucketScratch: number[] = [];

export class ByteWriter {
  private length = 0;
  private readonly generation = ++generation;

  u8(value: number): void {
    if (this.length === scratch.length) {
      const grown = new Uint8Array(scratch.length * 2);
      grown.set(scratch);
      scratch = grown;
    }
    scratch[this.length++] = value & 0xff;
  }

  varint(value: number): void {
    let v = Math.max(0, Math.round(value));
    while (v >= 0x80) {
      this.u8((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.u8(v);
  }

  histogram(hist: LatencyHistogram): void {
    this.varint(hist.counts.size);
    const buckets = bucketScratch;
    buckets.length = 0;
    hist.counts.forEach((_, bucket) => {
      // insertion sort: a row holds a handful of buckets, mostly added in order
      let i = buckets.length;
      buckets.push(bucket);
      for (; i > 0 && buckets[i - 1] > bucket; i--) buckets[i] = buckets[i - 1];
      buckets[i] = bucket;
    });
    for (let i = 0; i < buckets.length; i++) {
      const bucket = buckets[i];
      this.u8(bucket);
      this.varint(hist.counts.get(bucket) ?? 0);
    }
  }

  done(): Uint8Array {
    if (this.generation !== generation) throw new Error('a ByteWriter was started before the previous one was done');
    return scratch.slice(0, this.length);
  }
}

export class ByteReader {
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get more(): boolean {
    return this.at < this.bytes.length;
  }

  u8(): number {
    if (this.at >= this.bytes.length) throw new RangeError('history blob ends early');
    return this.bytes[this.at++] ?? 0;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.u8();
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
      if (scale > 2 ** 49) throw new RangeError('history blob holds an over-long varint');
    }
  }

  histogram(into = new LatencyHistogram()): LatencyHistogram {
    for (let n = this.varint(); n > 0; n--) {
      const bucket = this.u8();
      into.addBucket(bucket, this.varint());
    }
    return into;
  }
}
