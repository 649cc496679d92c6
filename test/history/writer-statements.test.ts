import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { after, describe, test } from 'node:test';
import { openDatabase } from '../../src/history/database.js';
import { HistoryWriter } from '../../src/history/writer.js';
import { HOUR_MS } from '../../src/history/types.js';
import { sample, T0 } from './helpers.js';

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** a writer on a fresh database that counts every statement it runs and every transaction it opens */
function countedWriter(dir = mkdtempSync(join(tmpdir(), 'rp-history-'))): {
  writer: HistoryWriter;
  db: DatabaseSync;
  counts: { statements: number; begins: number };
} {
  dirs.push(dir);
  const { opened: db } = openDatabase(dir, T0, (opened) => opened);
  const counts = { statements: 0, begins: 0 };
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string) => {
    const statement = prepare(sql);
    for (const method of ['get', 'run', 'all'] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        counts.statements += 1;
        return original(...args);
      };
    }
    return statement;
  };
  const exec = db.exec.bind(db);
  db.exec = (sql: string) => {
    if (sql.startsWith('BEGIN')) counts.begins += 1;
    exec(sql);
  };
  const writer = new HistoryWriter(db);
  counts.statements = 0;
  return { writer, db, counts };
}

const hourRow = (db: DatabaseSync, probe: string, hour: number): { count: number } | undefined =>
  db.prepare('SELECT h.count FROM hours h JOIN probes p ON p.id = h.probe WHERE p.name = ? AND h.hour = ?').get(probe, hour) as
    { count: number } | undefined;

describe('history writer statements', () => {
  test('new probes at the start of an hour run no statement each: they are registered and written in one transaction', () => {
    const { writer, db, counts } = countedWriter();
    const hourStart = Math.floor(T0 / HOUR_MS) * HOUR_MS;
    for (let i = 0; i < 1000; i++) writer.record(sample(`p${i}`, hourStart + i, 'pass'));
    assert.equal(counts.statements, 0, 'statements before the flush');
    writer.flush(hourStart + 1000);
    assert.equal(counts.begins, 1);
    assert.equal(hourRow(db, 'p999', hourStart / HOUR_MS)?.count, 1);
    assert.equal((db.prepare('SELECT count(*) AS n FROM probes').get() as { n: number }).n, 1001);
    db.close();
  });

  test('a late result for an hour already sealed and evicted adds to its row on disk', () => {
    const { writer, db } = countedWriter();
    const hour = Math.floor(T0 / HOUR_MS);
    writer.record(sample('a', hour * HOUR_MS + 5, 'pass'));
    writer.flush(hour * HOUR_MS + 1000);
    // the next hour: the past one is written sealed, then leaves memory
    writer.record(sample('a', (hour + 1) * HOUR_MS + 5, 'pass'));
    writer.flush((hour + 1) * HOUR_MS + 1000);
    writer.record(sample('a', (hour + 1) * HOUR_MS + 6, 'pass'));
    writer.flush((hour + 1) * HOUR_MS + 2000);
    writer.record(sample('a', hour * HOUR_MS + 7, 'pass'));
    writer.flush((hour + 1) * HOUR_MS + 3000);
    assert.equal(hourRow(db, 'a', hour)?.count, 2);
    db.close();
  });

  test('a probe whose kind changed is registered again with it; its id stays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rp-history-'));
    const first = countedWriter(dir);
    first.writer.record({ ...sample('a', T0, 'pass'), kind: 'http' });
    first.writer.flush(T0 + 1000);
    first.db.close();
    const again = countedWriter(dir);
    again.writer.record({ ...sample('a', T0 + 10, 'pass'), kind: 'postgres' });
    again.writer.flush(T0 + 2000);
    assert.deepEqual({ ...(again.db.prepare("SELECT id, kind FROM probes WHERE name = 'a'").get() as object) }, { id: 1, kind: 'postgres' });
    assert.equal(hourRow(again.db, 'a', Math.floor(T0 / HOUR_MS))?.count, 2);
    again.db.close();
  });
});
