/** One probe's window of samples as ring buffers: bounded, pruned by age across the wrap, stats as before. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SampleLog } from '../../src/metrics/sample-log.js';

const contents = (log: SampleLog): [number, number, boolean][] => {
  const out: [number, number, boolean][] = [];
  log.forEach((at, ms, ok) => out.push([at, ms, ok]));
  return out;
};

test('past its limit the oldest samples go; pruning by age works across the wrap; it grows as samples come', () => {
  const log = new SampleLog(20);
  for (let t = 1; t <= 25; t++) log.push(t, t * 10, t % 5 !== 0);
  assert.equal(log.size, 20);
  assert.deepEqual(
    contents(log).map(([at]) => at),
    Array.from({ length: 20 }, (_, i) => i + 6),
  );
  log.prune(18);
  assert.deepEqual(
    contents(log).map(([at]) => at),
    [18, 19, 20, 21, 22, 23, 24, 25],
  );
  for (let t = 26; t <= 40; t++) log.push(t, 1, true);
  assert.equal(log.size, 20);
  assert.equal(contents(log)[0]?.[0], 21);
  log.prune(1_000);
  assert.equal(log.size, 0);
  assert.equal(log.stats().p95Ms, null);
});

test('stats: errors, p95 over successes, failing streaks with and without certificate rejections', () => {
  const log = new SampleLog(10_000);
  for (let i = 1; i <= 100; i++) log.push(i, i, true);
  log.push(101, 5, false, true);
  log.push(102, 5, false, false, true);
  log.push(103, 5, false);
  const stats = log.stats();
  assert.equal(stats.samples, 103);
  assert.equal(stats.errors, 3);
  assert.equal(stats.p95Ms, 95);
  assert.equal(stats.failingStreak, 3);
  assert.deepEqual(stats.reached, { samples: 102, errors: 2, failingStreak: 2 });
  const timedOut: boolean[] = [];
  log.forEach((_at, _ms, _ok, t) => timedOut.push(t));
  assert.deepEqual(timedOut.slice(-3), [true, false, false]);
});
