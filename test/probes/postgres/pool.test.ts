/** Pool saturation against a cluster with a low max_connections that the test fills up for real. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import type { ProbeOutcome } from '../../../probes/types.js';
import { pgAvailable, PG_UNAVAILABLE_REASON, startPgCluster, type PgCluster } from '../../helpers/pg-cluster.js';
import { closeAll, connect, runCheck, waitUntil } from './sessions.js';

const skip = pgAvailable() ? false : PG_UNAVAILABLE_REASON;
// 8 slots, 3 reserved for superusers: an application role gets 5
const MAX_CONNECTIONS = 8;
const USABLE = 5;
const CLIENTS_ARE = `SELECT count(*) = $1 AS ok FROM pg_stat_activity WHERE backend_type = 'client backend'`;

function connectionsSeries(outcome: ProbeOutcome): Record<string, number> {
  const samples = outcome.series?.filter((s) => s.name === 'probe_db_connections') ?? [];
  return Object.fromEntries(samples.map((s) => [s.labels?.state ?? '', s.value]));
}

describe('postgres pool check', { skip }, () => {
  let cluster: PgCluster;
  const held: pg.Client[] = [];
  before(async () => {
    cluster = await startPgCluster({ maxConnections: MAX_CONNECTIONS });
  });
  after(async () => {
    await closeAll(held);
    await cluster?.stop();
  });

  /** Opens clients until `count` are held, and waits until the server lists exactly that many plus `extra`. */
  async function hold(count: number): Promise<void> {
    while (held.length < count) held.push(await connect(cluster.url));
    await waitUntil(cluster.superuserUrl, CLIENTS_ARE, [count + 1]); // +1: the superuser session that asks
  }

  test('below the threshold: passes with connections by state and max_connections', async () => {
    await hold(1);
    const { outcome } = await runCheck('pool', cluster.url);
    assert.equal(outcome.status, 'pass', JSON.stringify(outcome));
    assert.equal(outcome.metrics?.maxConnections, MAX_CONNECTIONS);
    assert.equal(outcome.metrics?.usableConnections, USABLE);
    assert.equal(outcome.metrics?.connections, 2); // the held client and the probe itself
    assert.equal(outcome.series?.find((s) => s.name === 'probe_db_max_connections')?.value, MAX_CONNECTIONS);
    const byState = connectionsSeries(outcome);
    assert.deepEqual(Object.keys(byState).sort(), ['active', 'idle', 'idle_in_transaction', 'idle_in_transaction_aborted', 'other', 'unknown']);
    assert.equal(byState.idle, 1);
    assert.equal(byState.active, 1);
  });

  test('poolSaturation is configurable', async () => {
    // still 2 of 5 in use: 40 %
    const { outcome } = await runCheck('pool', cluster.url, { extra: { poolSaturation: 0.4 } });
    assert.equal(outcome.status, 'fail');
    assert.equal(outcome.findings?.[0]?.cause, 'connection_pool_exhaustion');
    const relaxed = await runCheck('pool', cluster.url, { extra: { poolSaturation: 0.41 } });
    assert.equal(relaxed.outcome.status, 'pass');
  });

  test('filled to the threshold, with a session idle in a transaction: pool exhaustion', async () => {
    await hold(USABLE - 1);
    await held[0].query('BEGIN');
    await held[0].query('SELECT 1');
    const { outcome } = await runCheck('pool', cluster.url);
    assert.equal(outcome.status, 'fail');
    assert.equal(outcome.metrics?.saturation, 1);
    assert.equal(outcome.metrics?.idleInTransaction, 1);
    assert.equal(connectionsSeries(outcome).idle_in_transaction, 1);
    const finding = outcome.findings?.[0];
    assert.equal(finding?.cause, 'connection_pool_exhaustion');
    assert.equal(finding?.severity, 'P2');
    assert.ok(
      finding?.evidence.some((e) => e.includes(`${USABLE} of ${USABLE} usable connections`)),
      finding?.evidence.join('\n'),
    );
    assert.ok(finding?.evidence.some((e) => /idle in a transaction/.test(e)));
    assert.ok(
      finding?.actions.some((a) => a.includes('DB_POOL_SIZE')),
      'runbook actions attached',
    );
    await held[0].query('COMMIT');
  });

  test('every slot taken: the probe cannot connect (53300) and reports pool exhaustion, not a broken secret', async () => {
    await hold(USABLE);
    for (const check of ['pool', 'connect'] as const) {
      const { outcome } = await runCheck(check, cluster.url);
      assert.equal(outcome.status, 'fail');
      assert.equal(outcome.error?.code, 'RP_ERR_DB_TOO_MANY_CONNECTIONS', outcome.error?.message);
      assert.match(outcome.error.message, /53300/);
      assert.equal(outcome.findings?.length, 1);
      assert.equal(outcome.findings[0].cause, 'connection_pool_exhaustion');
      assert.equal(outcome.findings[0].severity, 'P1');
      assert.equal(outcome.series?.find((s) => s.name === 'probe_db_up')?.value, 0);
    }
  });
});
