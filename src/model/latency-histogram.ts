/**
 * The one latency histogram shape (microseconds, 1 µs .. 1 h, 3 significant digits: ±0.1 %) and the figures read
 * from it. The load recorder fills one; merging shards decodes theirs into a fresh one of the same shape, so a
 * merged p95 is computed exactly as one process's p95 would have been (HDR histograms add bucket by bucket).
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { STANDARD_PERCENTILES } from './thresholds.js';
import type { MetricRecord } from './measures.js';

/** 1 µs .. 1 h; anything slower is clamped to the top (a fixed-rate run's latency can exceed the timeout). */
export const HIGHEST_US = 3_600_000_000;

export function newLatencyHistogram(): Histogram {
  return build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
  });
}

export function recordLatencyMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
}

/** HDR's own compressed base64 encoding: what `latency.histogram` carries. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/**
 * Adds an encoded histogram into `into`. Returns a problem instead of throwing: the text came from a file or a
 * request. A histogram of another shape (values past one hour) is refused rather than silently clamped.
 */
export function addEncodedHistogram(into: Histogram, encoded: string): { samples: number } | { problem: string } {
  let decoded: Histogram;
  try {
    decoded = decodeFromCompressedBase64(encoded, 32, false);
  } catch (err) {
    return { problem: `latency.histogram is not an HDR compressed base64 histogram (${err instanceof Error ? err.message : String(err)})` };
  }
  try {
    if (decoded.totalCount > 0 && decoded.maxValue > HIGHEST_US) return { problem: `latency.histogram holds values above ${HIGHEST_US} µs` };
    into.add(decoded);
    return { samples: decoded.totalCount };
  } finally {
    decoded.destroy();
  }
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export interface LatencyFigures {
  p50Ms: number | null;
  p90Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  minMs: number | null;
  avgMs: number | null;
  stdevMs: number | null;
  percentilesMs: MetricRecord;
  latencySamples: number;
}

/** The percentile block of a latency summary; identical for one run and for a merge of shards. */
export function latencyFigures(h: Histogram, percentiles: readonly number[]): LatencyFigures {
  const has = h.totalCount > 0;
  const ms = (us: number): number => Math.round(us) / 1000;
  // percentiles report a bucket's upper edge; never above the exact maximum
  const at = (p: number): number | null => (has ? ms(Math.min(h.getValueAtPercentile(p), h.maxValue)) : null);
  const percentilesMs: MetricRecord = {};
  for (const p of new Set([...STANDARD_PERCENTILES, ...percentiles])) percentilesMs[String(p)] = at(p);
  return {
    p50Ms: at(50),
    p90Ms: at(90),
    p95Ms: at(95),
    p99Ms: at(99),
    maxMs: has ? ms(h.maxValue) : null,
    minMs: has ? ms(h.minNonZeroValue) : null,
    avgMs: has ? round(h.mean / 1000, 3) : null,
    stdevMs: has ? round(h.stdDeviation / 1000, 3) : null,
    percentilesMs,
    latencySamples: h.totalCount,
  };
}
