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
    assert.match(lines[0], /^PASS 0 ms closed loop: radar-probe 38100 req\/s = 0\.953 × autocannon 40000 req\/s.*; CPU 19\.5 vs 20\.0 µs\/req$/);
    assert.match(lines[1], /^FAIL 20 ms/);
    assert.doesNotMatch(lines[1], /CPU/);
  });

  test('a run autocannon could not measure fails rather than passing by division', () => {
    const [v] = verdicts([row(0, 'autocannon', 0), row(0, 'radar-probe', 100)]);
    assert.equal(v.ok, false);
  });

  test('a delay without both generators gives no verdict', () => {
    assert.deepEqual(verdicts([row(0, 'radar-probe', 100)]), []);
  });
});
