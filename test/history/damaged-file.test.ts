import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { HistoryHolder } from '../../src/daemon/history.js';
import { HISTORY_FILE } from '../../src/history/database.js';
import { HourBlock } from '../../src/history/hour-block.js';
import { HistoryStore } from '../../src/history/store.js';
import { HOUR_MS, MINUTE_MS } from '../../src/history/types.js';
import type { ProbeResult } from '../../src/model/types.js';
import { handleHistoryApi } from '../../src/server/history-api.js';
import { createLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';

const root = mkdtempSync(join(tmpdir(), 'rp-history-damaged-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

/** a closed history of `probes` probes with a full hour each for the last 24 hours: its hours table spans many pages */
async function writtenHistory(probes: number, now: number): Promise<string> {
  const dir = join(root, `h${++dirs}`);
  const store = HistoryStore.open({ dir, retention: { rawMs: 86_400_000, aggregatesMs: 90 * 86_400_000 }, now: () => now });
  const block = new HourBlock();
  for (let minute = 0; minute < 60; minute++) block.add(minute, true, 20 + minute);
  const last = Math.floor(now / HOUR_MS) - 1;
  for (let hour = last - 23; hour <= last; hour++) for (let p = 0; p < probes; p++) store.writer.writeHour(`probe-${p}`, 'http', hour, block);
  store.writer.severity(now - MINUTE_MS, 2);
  assert.ok(store.flush());
  await store.close();
  return dir;
}

/**
 * Overwrites one page of `table` with bytes SQLite cannot read: its root, or a leaf in the middle (rows written in key
 * order fill pages in page order, so neither the prune's oldest rows nor the writer's newest).
 */
function damagePage(dir: string, table: string, which: 'middle leaf' | 'root'): number {
  const file = join(dir, HISTORY_FILE);
  const db = new DatabaseSync(file);
  const sql =
    which === 'root'
      ? 'SELECT rootpage AS page FROM sqlite_schema WHERE name = ?'
      : "SELECT pageno AS page FROM dbstat WHERE name = ?1 AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET (SELECT count(*) / 2 FROM dbstat WHERE name = ?1 AND pagetype = 'leaf')";
  const { page } = db.prepare(sql).get(table) as { page: number };
  db.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, (page - 1) * 4096);
  closeSync(fd);
  return page;
}

function capturedHolder(now: () => number): { lines: Record<string, unknown>[]; holder: HistoryHolder } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, holder: new HistoryHolder(createLogger({ destination: sink, level: 'info' }), now) };
}

const configFor = (dir: string) =>
  testConfig(`history: { dir: ${JSON.stringify(dir)} }\nincidents: { stateDir: ${JSON.stringify(join(dir, 'state'))} }\n`);
const result = (name: string): ProbeResult => ({ name, kind: 'http', status: 'pass', durationMs: 12, metrics: {} });
const movedAside = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith(`${HISTORY_FILE}.corrupt-`) && !/-(wal|shm)$/.test(f));

describe('a damaged history file', () => {
  test('a page damaged deep in the file does not hold the open; the API read that finds it moves the file aside, once, and a new history starts', async () => {
    const now = Date.UTC(2026, 10, 30, 12, 30);
    const dir = await writtenHistory(60, now);
    const page = damagePage(dir, 'hours', 'middle leaf');
    assert.ok(page > 2, `a page inside the file (${page})`);
    const { lines, holder } = capturedHolder(() => now);
    holder.open(configFor(dir));
    const damagedStore = holder.current;
    assert.ok(damagedStore, 'history opened');
    assert.equal(damagedStore.movedTo, undefined, 'the open reads only what it needs, not every page');
    assert.deepEqual(movedAside(dir), []);

    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const probes = [{ probe: 'probe-0', kind: 'http', current: null }];
      if (!handleHistoryApi(() => ({ service: 'radar', store: holder.current, probes }), req, res, url)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const first = await fetch(`${base}/api/uptime`);
      assert.equal(first.status, 503);
      assert.equal(((await first.json()) as { error: { code: string } }).error.code, 'RP_ERR_HISTORY_OPEN');
      assert.notEqual(holder.current, damagedStore, 'a new store took its place');
      assert.equal(movedAside(dir).length, 1, 'the damaged file is kept beside the new one');
      const logged = lines.filter((l) => l['code'] === 'RP_ERR_HISTORY_OPEN');
      assert.equal(logged.length, 1);
      assert.match(String(logged[0]?.['msg']), /damaged while in use/);
      assert.match(String(logged[0]?.['movedTo']), /\.corrupt-/);

      holder.record(result('probe-0'), now);
      const again = await fetch(`${base}/api/uptime`);
      assert.equal(again.status, 200);
      const body = (await again.json()) as { probes: { probe: string; uptime: { '24h': number | null } }[] };
      assert.equal(body.probes[0]?.uptime['24h'], 100, 'the new history counts what arrives from now on');
      assert.equal(movedAside(dir).length, 1);
    } finally {
      server.close();
      await holder.close();
    }
  });

  test('damage a flush or a prune finds stops that store without retrying it every second, and a new history takes over', async () => {
    const now = Date.UTC(2026, 10, 30, 12, 30);
    const dir = await writtenHistory(5, now);
    damagePage(dir, 'severity', 'root');
    const { lines, holder } = capturedHolder(() => now);
    holder.open(configFor(dir));
    holder.severity('P1', now);
    holder.record(result('probe-1'), now);
    const store = holder.current;
    assert.ok(store);
    // the prune that starts at open or this flush reads the damaged page: either way the same path handles it
    store.flush();
    const replacement = holder.current;
    assert.ok(replacement && replacement !== store, 'a new store took its place');
    assert.equal(store.flush(), false, 'the damaged store writes nothing more');
    assert.equal(movedAside(dir).length, 1);
    assert.equal(lines.filter((l) => l['code'] === 'RP_ERR_HISTORY_OPEN').length, 1);
    assert.equal(lines.filter((l) => l['code'] === 'RP_ERR_HISTORY_WRITE').length, 0, 'a damaged file is not a failing disk');
    holder.record(result('probe-1'), now);
    assert.ok(replacement.flush(), 'the new history takes writes');
    await holder.close();
  });

  test('damage the open itself reads (the newest raw results) is found at open: moved aside before the first write', async () => {
    const now = Date.UTC(2026, 10, 30, 12, 30);
    const dir = join(root, 'raw');
    const store = HistoryStore.open({ dir, retention: { rawMs: 86_400_000, aggregatesMs: 86_400_000 }, now: () => now });
    for (let i = 0; i < 2_000; i++)
      store.record({ probe: `probe-${i % 20}`, kind: 'http', t: now - 1_000 + (i % 1_000), status: 'pass', durationMs: 9 });
    assert.ok(store.flush());
    await store.close();
    damagePage(dir, 'results', 'root');
    const reopened = HistoryStore.open({ dir, retention: { rawMs: 86_400_000, aggregatesMs: 86_400_000 }, now: () => now });
    assert.match(reopened.movedTo ?? '', /\.corrupt-/);
    reopened.record({ probe: 'probe-0', kind: 'http', t: now, status: 'pass', durationMs: 9 });
    assert.ok(reopened.flush());
    await reopened.close();
  });
});
