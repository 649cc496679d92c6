import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import { HistoryHolder } from '../../src/daemon/history.js';
import { HISTORY_FILE } from '../../src/history/database.js';
import { uptimeSummary } from '../../src/history/queries.js';
import type { ProbeResult } from '../../src/model/types.js';
import { createLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';

const dir = mkdtempSync(join(tmpdir(), 'rp-history-holder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const result = (status: ProbeResult['status']): ProbeResult => ({ name: 'health', kind: 'http', status, durationMs: 12, metrics: {} });

/** a holder whose log lines the test reads */
function capturedHolder(): { lines: Record<string, unknown>[]; holder: HistoryHolder } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, holder: new HistoryHolder(createLogger({ destination: sink, level: 'info' })) };
}

describe('the daemon holding the history', () => {
  test('a write the disk refuses is logged with its code and counted, the probe loop goes on, and nothing is lost', async () => {
    const { lines, holder } = capturedHolder();
    holder.open(testConfig(`history: { dir: ${JSON.stringify(dir)} }\nincidents: { stateDir: ${JSON.stringify(join(dir, 'state'))} }\n`));
    const store = holder.current;
    assert.ok(store, 'history opened');
    holder.record(result('pass'), Date.now());
    assert.ok(store.flush());
    // another process holding the write lock: the next commits fail (after 50 ms, not seconds)
    const other = new DatabaseSync(join(dir, HISTORY_FILE));
    other.exec('BEGIN EXCLUSIVE');
    holder.record(result('fail'), Date.now());
    holder.record(result('pass'), Date.now());
    const started = performance.now();
    assert.equal(store.flush(), false);
    assert.ok(performance.now() - started < 1_000, 'a refused write does not hold the event loop');
    assert.equal(store.flush(), false);
    const failures = holder.samples().find((s) => s.name === 'probe_history_write_failures_total');
    assert.equal(failures?.value, 2);
    const logged = lines.filter((l) => l['code'] === 'RP_ERR_HISTORY_WRITE');
    assert.equal(logged.length, 1, 'one line per minute of failures, not one per flush');
    other.exec('ROLLBACK');
    other.close();
    const [health] = uptimeSummary(store, [{ probe: 'health', kind: 'http', current: 'pass' }]).probes;
    assert.equal(health?.uptime['24h'], 66.667, 'the results queued during the failure are committed by the next flush');
    await holder.close();
  });

  test('a history directory that cannot be created leaves history off, logged; history.enabled: false records nothing', async () => {
    const { lines, holder } = capturedHolder();
    // a regular file where a directory should be
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, '');
    holder.open(testConfig(`history: { dir: ${JSON.stringify(join(blocker, 'history'))} }\n`));
    assert.equal(holder.current, undefined);
    assert.equal(lines.find((l) => l['code'] === 'RP_ERR_HISTORY_OPEN')?.['dir'], join(blocker, 'history'));
    holder.record(result('pass'), Date.now());
    await holder.reconfigure(testConfig(`history: { enabled: false }\n`));
    assert.equal(holder.current, undefined);
    await holder.close();
  });
});
