/**
 * The hour and day rows are written at most once a minute, so a crash can leave them behind the raw results. A
 * "crash" here closes the database with the writer's memory unwritten: what is on disk is what a `kill -9` leaves,
 * as every commit is durable against a killed process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { HISTORY_FILE, openDatabase } from '../../src/history/database.js';
import { AGGREGATES_EVERY_MS, HistoryWriter } from '../../src/history/writer.js';
import { DAY_MS, HOUR_MS, STATUSES } from '../../src/history/types.js';
import { sample, T0 } from './helpers.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const newDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-history-'));
  dirs.push(dir);
  return dir;
};

const open = (dir: string): { writer: HistoryWriter; db: DatabaseSync } => {
  const { opened: db } = openDatabase(dir, T0, (opened) => opened);
  return { writer: new HistoryWriter(db), db };
};

type Counts = Record<string, [count: number, failures: number]>;

/** per probe name ('' is the service): [count, failures] of the raw results on disk, skipped ones left out */
function rawCounts(db: DatabaseSync): Counts {
  const pass = STATUSES.indexOf('pass');
  const skipped = STATUSES.indexOf('skipped');
  const out: Counts = { '': [0, 0] };
  const rows = db.prepare('SELECT p.name, r.status FROM results r JOIN probes p ON p.id = r.probe').all() as { name: string; status: number }[];
  for (const { name, status } of rows) {
    if (status === skipped) continue;
    for (const key of [name, '']) {
      const slot = (out[key] ??= [0, 0]);
      slot[0] += 1;
      if (status !== pass) slot[1] += 1;
    }
  }
  return out;
}

/** the same from the hour rows of one hour, or the day rows of one day */
function rowCounts(db: DatabaseSync, table: 'hours' | 'days', period: number): Counts {
  const column = table === 'hours' ? 'hour' : 'day';
  const rows = db.prepare(`SELECT p.name, t.count, t.failures FROM ${table} t JOIN probes p ON p.id = t.probe WHERE t.${column} = ?`).all(period) as {
    name: string;
    count: number;
    failures: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.name, [r.count, r.failures]]));
}

const HOUR = Math.floor(T0 / HOUR_MS);
const DAY = Math.floor(T0 / DAY_MS);
const statusOf = (i: number): 'pass' | 'fail' | 'skipped' => (i % 7 === 0 ? 'fail' : i % 11 === 0 ? 'skipped' : 'pass');

describe('history: hour and day rows once a minute, made whole after a crash', () => {
  test("the timer's flush writes raw results every time and the rows at most once a minute; a read's flush writes them at once", () => {
    const { writer, db } = open(newDir());
    const hourOf = (): number | undefined => rowCounts(db, 'hours', HOUR)['a']?.[0];
    for (let i = 0; i < 3; i++) writer.record(sample('a', T0 + i));
    assert.equal(writer.flushStep(T0 + 1_000, 200), false);
    assert.equal(hourOf(), 3, 'the first flush after opening writes the rows');
    for (let i = 3; i < 5; i++) writer.record(sample('a', T0 + i));
    writer.flushStep(T0 + 2_000, 200);
    assert.equal(rawCounts(db)['a']?.[0], 5);
    assert.equal(hourOf(), 3, 'a minute has not passed');
    writer.flushStep(T0 + 1_000 + AGGREGATES_EVERY_MS, 200);
    assert.equal(hourOf(), 5);
    writer.record(sample('a', T0 + 10));
    writer.flush(T0 + 2_000 + AGGREGATES_EVERY_MS);
    assert.equal(hourOf(), 6);
    db.close();
  });

  test('a crash after raw-only flushes and in the middle of writing the rows loses no committed result and counts none twice', () => {
    const dir = newDir();
    const first = open(dir);
    let n = 0;
    const recordRound = (t: number): void => {
      for (let p = 0; p < 40; p++) first.writer.record(sample(`p${p}`, t + p, statusOf(n++)));
    };
    recordRound(T0);
    first.writer.flushStep(T0 + 1_000, 200);
    // raw-only flushes: the rows on disk fall behind
    recordRound(T0 + 10_000);
    first.writer.flushStep(T0 + 11_000, 200);
    recordRound(T0 + 20_000);
    first.writer.flushStep(T0 + 21_000, 200);
    // the minute's flush, cut short after its first slices: some probes' rows are written, the others' are not
    recordRound(T0 + 30_000);
    assert.equal(first.writer.flushStep(T0 + 1_000 + AGGREGATES_EVERY_MS, 30), true, 'more slices to go');
    assert.equal(first.writer.flushStep(T0 + 1_000 + AGGREGATES_EVERY_MS, 30), true);
    // recorded after the cut: never committed
    recordRound(T0 + 40_000);
    const raw = rawCounts(first.db);
    assert.notDeepEqual(rowCounts(first.db, 'hours', HOUR), raw, 'the rows on disk are behind: the crash has something to mend');
    first.db.close();

    const again = open(dir);
    again.writer.flush(T0 + 2_000 + AGGREGATES_EVERY_MS);
    assert.deepEqual(rowCounts(again.db, 'hours', HOUR), raw);
    assert.deepEqual(rowCounts(again.db, 'days', DAY), raw);
    assert.equal(
      (again.db.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n,
      3 * 40 + 20,
      'three rounds and half of the fourth',
    );
    again.db.close();
  });

  test('a number a row has counted is never given again, even when its raw result was lost', () => {
    const dir = newDir();
    const first = open(dir);
    first.writer.record(sample('a', T0));
    // the first slice holds a's raw result and rows; the service's rows are the last batch
    assert.equal(first.writer.flushStep(T0 + 1_000, 1), true);
    // recorded before the service's rows are written: they count it, its raw row waits for the next flush
    first.writer.record(sample('a', T0 + 1));
    assert.equal(first.writer.flushStep(T0 + 1_000, 1), false);
    first.db.close();

    const second = open(dir);
    second.writer.record(sample('a', T0 + 2));
    second.writer.flushStep(T0 + 2_000, 200);
    // its rows are written by that first flush; the next result's rows wait for the minute, and the process dies
    second.writer.record(sample('a', T0 + 3));
    second.writer.flushStep(T0 + 3_000, 200);
    second.db.close();

    const third = open(dir);
    third.writer.flush(T0 + 4_000);
    // the service's row counted the lost result; the two results after it are counted once each
    assert.deepEqual(rowCounts(third.db, 'hours', HOUR), { '': [4, 0], a: [3, 0] });
    assert.deepEqual(rawCounts(third.db)['a'], [3, 0]);
    third.db.close();
  });

  test('a version 1 file is migrated in place: its rows are taken as complete and keep adding up', () => {
    const dir = newDir();
    const v1 = new DatabaseSync(join(dir, HISTORY_FILE));
    v1.exec(`
      CREATE TABLE probes (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL);
      CREATE TABLE results (probe INTEGER NOT NULL, t INTEGER NOT NULL, status INTEGER NOT NULL, duration_ms REAL NOT NULL, code TEXT);
      CREATE INDEX results_by_probe ON results (probe, t);
      CREATE TABLE hours (hour INTEGER NOT NULL, probe INTEGER NOT NULL, count INTEGER NOT NULL, failures INTEGER NOT NULL,
        ok_sum_ms REAL NOT NULL, latency BLOB NOT NULL, minutes BLOB NOT NULL, PRIMARY KEY (hour, probe)) WITHOUT ROWID;
      CREATE TABLE days (day INTEGER NOT NULL, probe INTEGER NOT NULL, count INTEGER NOT NULL, failures INTEGER NOT NULL,
        ok_sum_ms REAL NOT NULL, latency BLOB NOT NULL, PRIMARY KEY (day, probe)) WITHOUT ROWID;
      CREATE TABLE severity (minute INTEGER PRIMARY KEY, worst INTEGER NOT NULL);
      INSERT INTO probes VALUES (0, '', 'service'), (1, 'a', 'http');
      PRAGMA user_version = 1;
    `);
    v1.close();
    // what version 1 wrote: two results of a with their rows, through this build's writer on the old layout's data
    const seedDir = newDir();
    const seed = open(seedDir);
    seed.writer.record(sample('a', T0));
    seed.writer.record(sample('a', T0 + 1, 'fail'));
    seed.writer.flush(T0 + 1_000);
    const copy = new DatabaseSync(join(dir, HISTORY_FILE));
    copy.exec(`ATTACH '${join(seedDir, HISTORY_FILE)}' AS seed`);
    copy.exec('INSERT INTO results SELECT probe, t, status, duration_ms, code FROM seed.results');
    copy.exec('INSERT INTO hours SELECT hour, probe, count, failures, ok_sum_ms, latency, minutes FROM seed.hours');
    copy.exec('INSERT INTO days SELECT day, probe, count, failures, ok_sum_ms, latency FROM seed.days');
    copy.close();
    seed.db.close();

    const migrated = open(dir);
    assert.equal((migrated.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, 2);
    const indexes = migrated.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'results'").all();
    assert.deepEqual(indexes, [], 'the (probe, t) index is dropped');
    migrated.writer.record(sample('a', T0 + 2));
    migrated.writer.flush(T0 + 2_000);
    assert.deepEqual(rowCounts(migrated.db, 'hours', HOUR), { '': [3, 1], a: [3, 1] });
    assert.deepEqual(rowCounts(migrated.db, 'days', DAY), { '': [3, 1], a: [3, 1] });
    assert.deepEqual(rawCounts(migrated.db)['a'], [3, 1]);
    migrated.db.close();
  });
});
