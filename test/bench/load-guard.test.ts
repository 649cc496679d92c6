import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verdictLines, verdicts, type ThroughputRow } from '../../bench/load-guard.js';

const row = (delay: number, generator: string, rps: number, load = 'closed', cpuUsPerRequest: number | null = null): ThroughputRow => ({
  delay,
  load,
  generator,
  rps,
  cpuUsPerRequest,
});

describe('load bench guard', () => {
  test('one verdict per delay, closed loop only, the in-process probe against autocannon', () => {
    const rows = [
      row(0, 'autocannon', 40_000, 'closed', 20),
      row(0, 'radar-probe', 38_100, 'closed', 19.5),
      row(0, 'radar-probe (worker)', 10_000),
      row(0, 'wrk', 60_000),
      row(0, 'radar-probe', 1, 'rate 1000/s'),
      row(20, 'autocannon', 480),
      row(20, 'radar-probe', 450),
    ];
    const list = verdicts(rows);
    assert.deepEqual(
      list.map((v) => [v.delay, v.ok, Math.round(v.ratio * 1000) / 1000]),
      [
        [0, true, 0.953],
        [20, false, 0.938],
      ],
    );
    const lines = verdictLines(list);
    assert.match(
      lines[0],
      /^PASS 0 ms closed loop: radar-probe 38100 req\/s = 0\.953 × autocannon 40000 req\/s.*; CPU 19\.5 vs 20\.0 µs\/req \(bar ≤ 1 ×\)$/,
    );
    assert.match(lines[1], /^FAIL 20 ms/);
    assert.doesNotMatch(lines[1], /CPU/);
  });

  test("rounds pair up: the ratio is the median of the rounds' own ratios, not a ratio of medians", () => {
    // a neighbour slowed rounds 2 and 3 for both generators alike; ours was ahead in every round but one
    const ours = { ...row(0, 'radar-probe', 30_000), rounds: [40_000, 20_000, 21_000, 39_000, 30_000] };
    const autocannon = { ...row(0, 'autocannon', 38_000), rounds: [38_000, 19_000, 20_000, 41_000, 29_000] };
    const [v] = verdicts([autocannon, ours]);
    assert.equal(Math.round(v.ratio * 1000) / 1000, 1.05);
    assert.deepEqual([v.paired?.rounds, Math.round(v.paired!.min * 1000) / 1000], [5, 0.951]);
    assert.match(verdictLines([v])[0], /median of 5 paired rounds, 0\.951–1\.053/);
    // ours behind in most rounds fails, however good its best round was
    const behind = { ...ours, rounds: [40_000, 18_000, 18_000, 36_000, 27_000] };
    assert.equal(verdicts([autocannon, behind])[0].ok, false);
    // a round where autocannon got nothing through counts against the probe, not as a division by zero
    const broken = { ...autocannon, rounds: [0, 0, 0, 41_000, 29_000] };
    assert.equal(verdicts([broken, ours])[0].ok, false);
  });

  test('at 0 ms the probe must also cost no more CPU per request than autocannon; at other delays CPU is only reported', () => {
    const costly = verdicts([row(0, 'autocannon', 40_000, 'closed', 14), row(0, 'radar-probe', 42_000, 'closed', 14.5)]);
    assert.deepEqual([costly[0].ok, costly[0].cpuOk], [false, false]);
    assert.match(verdictLines(costly)[0], /^FAIL .*\(bar ≤ 1 ×, over it\)$/);
    const slow = verdicts([row(20, 'autocannon', 480, 'closed', 40), row(20, 'radar-probe', 480, 'closed', 60)]);
    assert.equal(slow[0].ok, true);
  });

  test('a run autocannon could not measure fails rather than passing by division', () => {
    const [v] = verdicts([row(0, 'autocannon', 0), row(0, 'radar-probe', 100)]);
    assert.equal(v.ok, false);
  });

  test('a delay without both generators gives no verdict', () => {
    assert.deepEqual(verdicts([row(0, 'radar-probe', 100)]), []);
  });
});
