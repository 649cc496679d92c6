/**
 * A sparse log-bucketed latency distribution: bucket i ≥ 1 holds (BASE·2^((i-1)/8), BASE·2^(i/8)] ms, so any
 * percentile read back is within ±4.5 % of the true value (half a bucket). 255 buckets reach far beyond any timeout.
 * Sparse because a minute of a 15 s probe holds four samples: a dense array would be 64× larger on disk.
 */
const BASE_MS = 0.1;
const PER_OCTAVE = 8;
const TOP = 255;

export function bucketOf(ms: number): number {
  if (!(ms > BASE_MS)) return 0;
  return Math.min(TOP, Math.ceil(PER_OCTAVE * Math.log2(ms / BASE_MS)));
}

/** the bucket's geometric middle, rounded to 0.1 ms */
export function valueOf(bucket: number): number {
  const ms = bucket === 0 ? BASE_MS / 2 : BASE_MS * 2 ** ((bucket - 0.5) / PER_OCTAVE);
  return Math.round(ms * 10) / 10;
}

export class LatencyHistogram {
  readonly counts = new Map<number, number>();

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  add(ms: number): void {
    this.addBucket(bucketOf(ms), 1);
  }

  addBucket(bucket: number, count: number): void {
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
  }

  merge(other: LatencyHistogram): void {
    for (const [bucket, count] of other.counts) this.addBucket(bucket, count);
  }

  /** the value at quantile q (0..1), nearest-rank; null when empty */
  quantile(q: number): number | null {
    const total = this.total;
    if (total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * total));
    let seen = 0;
    for (const bucket of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(bucket) ?? 0;
      if (seen >= rank) return valueOf(bucket);
    }
    return null;
  }
}
