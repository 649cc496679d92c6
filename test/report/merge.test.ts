/** The merge's arithmetic in-process: exact percentiles of the union (never averages), rps over the union of spans. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeHistogram, newLatencyHistogram } from '../../src/model/latency-histogram.js';
import { mergeShards, unionMs, type ShardInput } from '../../src/report/merge.js';

function shard(index: number, count: number, latenciesMs: number[], span: { startMs: number; endMs: number }): ShardInput {
  const h = newLatencyHistogram();
  for (const ms of latenciesMs) h.recordValue(Math.round(ms * 1000));
  const histogram = encodeHistogram(h);
  h.destroy();
  return {
    source: `shard-${index}.json`,
    value: {
      scenario: 'latency',
      target: 'http://api',
      startedAt: new Date(span.startMs).toISOString(),
      shard: { run: 'r1', runFrom: 'flag', index, count, startAt: null, settings: { rate: 10 } },
      latency: { requests: latenciesMs.length, errors: 1, timeouts: 0, histogram, span, statusCounts: { '200': latenciesMs.length - 1, '503': 1 } },
    },
  };
}

describe('mergeShards', () => {
  const fast = shard(1, 2, Array<number>(1000).fill(10), { startMs: 0, endMs: 1_000 });
  const slow = shard(2, 2, Array<number>(1000).fill(100), { startMs: 500, endMs: 2_000 });

  test('percentiles of the union of the samples, not an average of the shards’ percentiles', () => {
    const l = mergeShards([fast, slow]).latency!;
    assert.equal(l.requests, 2000);
    assert.equal(l.errors, 2);
    assert.deepEqual(l['statusCounts'], { '200': 1998, '503': 2 });
    assert.ok(Math.abs(l.p50Ms! - 10) <= 0.01, `p50 ${l.p50Ms}: the 1000th of 2000 samples is a 10 ms one`);
    assert.ok(Math.abs(l.p90Ms! - 100) <= 0.1, `p90 ${l.p90Ms}: averaging the shards' p90s would say 55`);
  });

  test('rps is all requests over the union of the spans; order does not matter', () => {
    assert.equal(
      unionMs([
        { startMs: 0, endMs: 1_000 },
        { startMs: 500, endMs: 2_000 },
        { startMs: 3_000, endMs: 3_500 },
      ]),
      2_500,
    );
    const a = mergeShards([fast, slow]);
    const b = mergeShards([slow, fast]);
    assert.equal(a.latency!.rps, 1000);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  });
});
