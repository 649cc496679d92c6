/** Unsigned LEB128 varints and the histogram's sparse form: what the hour and day blobs are made of. */
import { LatencyHistogram } from './latency-histogram.js';

export class ByteWriter {
  private bytes: number[] = [];

  u8(value: number): void {
    this.bytes.push(value & 0xff);
  }

  varint(value: number): void {
    let v = Math.max(0, Math.round(value));
    while (v >= 0x80) {
      this.bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.bytes.push(v);
  }

  histogram(hist: LatencyHistogram): void {
    this.varint(hist.counts.size);
    for (const [bucket, count] of [...hist.counts].sort((a, b) => a[0] - b[0])) {
      this.u8(bucket);
      this.varint(count);
    }
  }

  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
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
