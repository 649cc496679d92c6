import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, describe, test } from 'node:test';
import { HISTORY_FILE } from '../../src/history/database.js';
import { HourBlock } from '../../src/history/hour-block.js';
import { LatencyHistogram } from '../../src/history/latency-histogram.js';
import { historyPoints, rangeTotal, uptimeSummary } from '../../src/history/queries.js';
import { SLICE_ROWS } from '../../src/history/store.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/history/types.js';
import { openTestStore, sample, T0, type TestStore } from './helpers.js';

const cleanup: TestStore[] = [];
after(async () => {
  for (const t of cleanup) await t.remove();
});
const fresh = (...args: Parameters<typeof openTestStore>): TestStore => {
  const t = openTestStore(...args);
  cleanup.push(t);
  return t;
};
const listed = (...names: string[]) => names.map((probe) => ({ probe, kind: 'http', current: null }));

describe('latency histogram', () => {
  test('percentiles are within half a bucket (±4.5 %) of the exact nearest-rank value', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => 0.5 + ((i * 7919) % 10_000) * 0.73);
    const hist = new LatencyHistogram();
    for (const v of values) hist.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1] ?? 0;
      const read = hist.quantile(q) ?? 0;
      assert.ok(Math.abs(read - exact) / exact < 0.045, `p${q * 100}: read ${read}, exact ${exact}`);
    }
    assert.equal(new LatencyHistogram().quantile(0.5), null);
  });
});

describe('hour block', () => {
  test('open (plain) and sealed (deflated) encodings read back the same minutes; the sealed one is smaller', () => {
    const block = new HourBlock();
    for (let i = 0; i < 240; i++) block.add(Math.floor(i / 4), i % 50 !== 0, 20 + ((i * 37) % 80) / 3);
    const [plain, sealed] = [block.encode(false), block.encode(true)];
    assert.ok(sealed.length < plain.length * 0.8, `${sealed.length} < ${plain.length}`);
    for (const bytes of [plain, sealed]) {
      const back = HourBlock.decode(bytes);
      assert.deepEqual(
        back.minutes.map((m) => m && [m.count, m.failures, m.okSumMs.toFixed(1), [...m.latency.counts].sort()]),
        block.minutes.map((m) => m && [m.count, m.failures, m.okSumMs.toFixed(1), [...m.latency.counts].sort()]),
      );
    }
    assert.throws(() => HourBlock.decode(Uint8Array.of(9, 1, 2)), /version 9/);
  });

  test('a full hour stays small in memory: the writer holds one per probe (20,000 at the end of every hour)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    // a probe every 10 s: 60 minutes of 6 results each, latencies spread over several buckets
    const blocks = Array.from({ length: 2000 }, (_, p) => {
      const block = new HourBlock();
      for (let i = 0; i < 360; i++) block.add(Math.floor(i / 6), true, 1 + ((p + i) % 5) * 0.3);
      return block;
    });
    gc();
    const perBlock = (process.memoryUsage().heapUsed - before) / blocks.length;
    // an Aggregate with a Map per minute was 25 KB per hour
    assert.ok(perBlock < 12_000, `${Math.round(perBlock)} bytes per hour block`);
  });
});

describe('history store', () => {
  test('aggregates per hour and per day; skipped results count nowhere; severity is the worst per bucket', () => {
    const { store } = fresh();
    const hour = Math.floor(T0 / HOUR_MS) * HOUR_MS;
    // two hours ago: 10 results of `a`, 2 failing; one skipped
    for (let i = 0; i < 10; i++) store.record(sample('a', hour - 2 * HOUR_MS + i * MINUTE_MS, i < 2 ? 'fail' : 'pass', 100 + i));
    store.record(sample('a', hour - 2 * HOUR_MS, 'skipped'));
    store.record(sample('b', hour - HOUR_MS, 'pass', 50));
    store.severity(hour - 2 * HOUR_MS + 5 * MINUTE_MS, 'P2');
    store.severity(hour - 2 * HOUR_MS + 6 * MINUTE_MS, 'P0');
    store.severity(hour - HOUR_MS, null);
    assert.ok(store.flush());
    const points = historyPoints(
      store,
      store
        .read()
        .probes()
        .find((p) => p.name === 'a') ?? null,
      '24h',
    );
    assert.equal(points.length, 24);
    assert.equal(points.at(-1)?.t, new Date(hour).toISOString());
    const busy = points.at(-3);
    assert.deepEqual(
      { count: busy?.count, failures: busy?.failures, uptime: busy?.uptime, worst: busy?.worst },
      { count: 10, failures: 2, uptime: 80, worst: 'P0' },
    );
    // successful results only: 102..109 ms
    assert.ok(Math.abs((busy?.p50Ms ?? 0) - 105) / 105 < 0.045, `p50 ${busy?.p50Ms}`);
    assert.equal(points.at(-2)?.worst, 'ok');
    assert.equal(points.at(-2)?.count, 0);
    assert.equal(points.at(-4)?.worst, null);
    // the service series holds every probe
    const service = historyPoints(store, null, '24h');
    assert.deepEqual([service.at(-3)?.count, service.at(-2)?.count], [10, 1]);
    const week = historyPoints(store, null, '7d');
    assert.equal(week.length, 7);
    assert.equal(week.at(-1)?.count, 11);
    assert.equal(week.at(-1)?.failures, 2);
    const summary = uptimeSummary(store, listed('a', 'b', 'never-ran'));
    assert.deepEqual(summary.overall, { '24h': 81.818, '7d': 81.818, '30d': 81.818, '90d': 81.818 });
    assert.deepEqual(
      summary.probes.map((p) => [p.probe, p.uptime['24h'], p.uptime['90d']]),
      [
        ['a', 80, 80],
        ['b', 100, 100],
        ['never-ran', null, null],
      ],
    );
    assert.equal(rangeTotal(store, null, '90d').count, 11);
  });

  test('a range is whole buckets: yesterday counts in 7d, not in a 24h that ended before it', () => {
    const { store, clock } = fresh();
    const dayStart = Math.floor(T0 / DAY_MS) * DAY_MS;
    store.record(sample('a', dayStart - 3 * DAY_MS, 'fail'));
    store.record(sample('a', T0 - MINUTE_MS, 'pass'));
    const [a] = uptimeSummary(store, listed('a')).probes;
    assert.deepEqual(a?.uptime, { '24h': 100, '7d': 50, '30d': 50, '90d': 50 });
    clock.now = T0 + 89 * DAY_MS;
    const [later] = uptimeSummary(store, listed('a')).probes;
    assert.deepEqual(later?.uptime, { '24h': null, '7d': null, '30d': null, '90d': 100 });
  });

  test("one probe's raw results since a time, newest first, among other probes' and across pruned ones", async () => {
    const { store, clock } = fresh();
    const start = T0 - 2 * DAY_MS;
    // two days of a, b and c every 10 minutes, the first of them pruned: the oldest rowid left is not the first
    for (let m = 0; m < 2 * 24 * 60; m += 10) for (const probe of ['a', 'b', 'c']) store.record(sample(probe, start + m * MINUTE_MS));
    clock.now = T0;
    store.flush();
    await store.prune();
    const reader = store.read();
    const b = reader.probes().find((p) => p.name === 'b')!;
    const since = T0 - 3 * HOUR_MS - 5 * MINUTE_MS;
    const times = (limit: number): number[] => reader.results(b, since, limit).map((r) => r.t);
    const expected = Array.from({ length: 18 }, (_, i) => T0 - (i + 1) * 10 * MINUTE_MS);
    assert.deepEqual(times(100), expected);
    assert.deepEqual(times(4), expected.slice(0, 4));
    assert.deepEqual(reader.results(b, T0 + 1, 10), [], 'nothing since a time after the newest');
    assert.equal(reader.results(b, 0, 1_000).length, (24 * 60) / 10, 'everything kept: the last 24 h');
  });

  test('everything survives a reopen; the open hour keeps adding up after it', async () => {
    const first = fresh();
    const minute = Math.floor(T0 / HOUR_MS) * HOUR_MS;
    for (let i = 0; i < 5; i++) first.store.record(sample('a', minute + i * 1000, i === 0 ? 'error' : 'pass'));
    first.store.severity(minute, 'P1');
    const again = await first.reopen();
    cleanup.push(again);
    again.store.record(sample('a', minute + 10_000, 'pass'));
    const last = historyPoints(again.store, again.store.read().probes()[0] ?? null, '24h').at(-1);
    assert.deepEqual([last?.count, last?.failures, last?.worst], [6, 1, 'P1']);
    assert.equal(uptimeSummary(again.store, listed('a')).probes[0]?.uptime['30d'], 83.333);
    const raw = again.store.read().results(again.store.read().probes()[0], 0, 100);
    assert.equal(raw.length, 6);
    assert.equal(raw.at(-1)?.code, 'RP_ERR_CONN_REFUSED');
  });

  test('pruning drops raw results past 24 h and aggregates past 90 days, and gives the space back', async () => {
    const t = fresh();
    const { store, clock } = t;
    const start = T0 - 100 * DAY_MS;
    // 100 days of one result every 10 minutes for 3 probes, through the write path
    for (let m = 0; m < 100 * 24 * 60; m += 10) {
      for (const probe of ['a', 'b', 'c']) store.record(sample(probe, start + m * MINUTE_MS, m % 97 === 0 ? 'fail' : 'pass', 5 + (m % 40)));
      if (m % 600 === 0) store.flush();
      clock.now = start + m * MINUTE_MS;
    }
    store.flush();
    const before = store.sizeBytes();
    const rows = (): number => store.read().results(store.read().probes()[0], 0, 10_000_000).length;
    assert.equal(rows(), (100 * 24 * 60) / 10);
    await store.prune();
    assert.ok(rows() <= (24 * 60) / 10 + 1, `raw rows of a after pruning: ${rows()}`);
    assert.equal(historyPoints(store, null, '90d')[0]?.count, (3 * 24 * 60) / 10, 'the oldest day of the range is whole');
    // the day 90 days back is kept whole (its later hours are inside the retention), the one before is gone
    assert.equal(store.read().dayTotals(0, 0, Math.floor(T0 / DAY_MS) - 91).size, 0, 'nothing older than 90 days');
    assert.equal(store.read().dayTotals(0, 0, Math.floor(T0 / DAY_MS) - 90).size, 1);
    const after = store.sizeBytes();
    assert.ok(after < before * 0.6, `file shrank from ${before} to ${after} bytes`);
    assert.deepEqual(t.errors, []);
  });

  test("the timer's flush commits in slices, serving the event loop between them; each probe's rows agree with its raw results", async () => {
    const t = fresh();
    const { store, dir } = t;
    // 600 probes with one result each: 600 raw rows, 601 hour and 601 day rows (the service's too)
    for (let i = 0; i < 600; i++) store.record(sample(`p${i}`, T0 + i));
    const disk = new DatabaseSync(join(dir, HISTORY_FILE), { readOnly: true });
    const mismatched = disk.prepare(
      `SELECT count(*) AS n FROM probes p WHERE p.id > 0 AND (SELECT count(*) FROM results r WHERE r.probe = p.id) <> coalesce((SELECT sum(count) FROM hours h WHERE h.probe = p.id), 0)`,
    );
    const committed = disk.prepare('SELECT count(*) AS n FROM results');
    const seen: number[] = [];
    let done = false;
    const flushing = store.flushInSlices().then(() => (done = true));
    while (!done) {
      seen.push((committed.get() as { n: number }).n);
      assert.equal((mismatched.get() as { n: number }).n, 0, 'a probe whose raw results and hour row disagree on disk');
      if (seen.length === 3) store.record(sample('late', T0 + 1000));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flushing;
    const steps = new Set(seen).size;
    assert.ok(steps >= Math.ceil(1800 / SLICE_ROWS) - 1, `${steps} distinct commits seen between turns`);
    assert.equal((committed.get() as { n: number }).n, 600, 'the result recorded meanwhile waits for the next flush');
    const uptime = uptimeSummary(store, listed('p0', 'late')).probes.map((p) => p.uptime['24h']);
    assert.deepEqual(uptime, [100, 100], 'a read commits the rest');
    assert.equal((committed.get() as { n: number }).n, 601);
    assert.equal((mismatched.get() as { n: number }).n, 0);
    disk.close();
    assert.deepEqual(t.errors, []);
  });

  test('recording and reading go on while pruning runs; nothing recorded meanwhile is lost', async () => {
    const t = fresh();
    const { store, clock } = t;
    for (let m = 0; m < 3 * 24 * 60; m++) store.record(sample('a', T0 - 3 * DAY_MS + m * MINUTE_MS));
    store.flush();
    clock.now = T0 + 1000;
    let during = 0;
    let done = false;
    const pruning = store.prune().then(() => (done = true));
    // interleave: every turn of the event loop records a result and flushes while the prune steps run
    while (!done) {
      store.record(sample('live', clock.now + during));
      store.flush();
      during += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await pruning;
    assert.ok(during > 3, `the prune yielded ${during} times`);
    const live = store
      .read()
      .probes()
      .find((p) => p.name === 'live')!;
    assert.equal(store.read().results(live, 0, 100_000).length, during);
    assert.deepEqual(t.errors, []);
  });

  test('a file that is not a database is moved aside and a new history starts', async () => {
    const t = fresh();
    const dir = t.dir;
    await t.store.close();
    writeFileSync(join(dir, HISTORY_FILE), 'this is not a database'.repeat(100));
    for (const suffix of ['-wal', '-shm']) writeFileSync(join(dir, HISTORY_FILE + suffix), '');
    const again = openTestStore({}, dir);
    cleanup.push(again);
    assert.ok(again.store.movedTo?.includes('.corrupt-'));
    assert.ok(readdirSync(dir).some((f) => f.startsWith(`${HISTORY_FILE}.corrupt-`)));
    assert.equal(readFileSync(again.store.movedTo ?? '', 'utf8').slice(0, 11), 'this is not');
    again.store.record(sample('a', T0));
    assert.equal(uptimeSummary(again.store, listed('a')).probes[0]?.uptime['24h'], 100);
  });
});
