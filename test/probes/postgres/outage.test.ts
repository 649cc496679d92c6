/**
 * A database that goes away or stops answering never holds a run past its timeout. To stall the probe inside a
 * query on a real server, another session holds an exclusive lock on the pg_stat_statements view.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { ProbeError } from '../../../src/model/errors.js';
import { pgAvailable, PG_UNAVAILABLE_REASON, startPgCluster, type PgCluster } from '../../helpers/pg-cluster.js';
import { connect, runCheck, waitUntil } from './sessions.js';

const skip = pgAvailable() ? false : PG_UNAVAILABLE_REASON;
const PROBE_WAITING_ON_LOCK =
  "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name = 'radar-probe' AND wait_event_type = 'Lock') AS ok";

/** Holds ACCESS EXCLUSIVE on the view until released, so the statements check blocks on its second query. */
async function lockStatementsView(superuserUrl: string): Promise<pg.Client> {
  const client = await connect(superuserUrl);
  await client.query('BEGIN');
  await client.query('LOCK TABLE pg_stat_statements IN ACCESS EXCLUSIVE MODE');
  return client;
}

describe('postgres probe when the server goes away or hangs', { skip }, () => {
  let cluster: PgCluster;
  let superuserDbUrl: string;
  before(async () => {
    cluster = await startPgCluster();
    superuserDbUrl = cluster.superuserUrl.replace(/\/postgres$/, `/${cluster.database}`);
  });
  after(async () => cluster?.stop());

  test('server stopped: refused, classified well within the timeout, and back to pass after a restart', async () => {
    await cluster.halt();
    try {
      const { outcome, elapsedMs } = await runCheck('connect', cluster.url, { timeoutMs: 3_000 });
      assert.equal(outcome.error?.code, 'RP_ERR_DB_REFUSED', outcome.error?.message);
      assert.equal(outcome.findings?.[0]?.cause, 'db_connection_failure');
      assert.ok(elapsedMs < 3_000, `took ${elapsedMs} ms`);
    } finally {
      await cluster.start();
    }
    const { outcome } = await runCheck('connect', cluster.url);
    assert.equal(outcome.status, 'pass');
  });

  test('server stopped mid-run: the lost session is a connection failure', async () => {
    const locker = await lockStatementsView(superuserDbUrl);
    try {
      const running = runCheck('statements', cluster.url, { timeoutMs: 8_000, extra: { statementTimeout: '30s' } });
      await waitUntil(cluster.superuserUrl, PROBE_WAITING_ON_LOCK); // also proves application_name=radar-probe
      await cluster.halt();
      const { outcome, elapsedMs } = await running;
      assert.equal(outcome.status, 'fail', JSON.stringify(outcome));
      assert.equal(outcome.error?.code, 'RP_ERR_DB_CONNECTION_LOST', outcome.error?.message);
      assert.equal(outcome.findings?.[0]?.cause, 'db_connection_failure');
      assert.ok(elapsedMs < 8_000);
    } finally {
      await locker.end().catch(() => undefined);
      await cluster.start();
    }
  });

  test('statement_timeout cancels a stalled query: a query-timeout finding, not an outage', async () => {
    const locker = await lockStatementsView(superuserDbUrl);
    try {
      const { outcome, elapsedMs } = await runCheck('statements', cluster.url, { timeoutMs: 5_000, extra: { statementTimeout: '300ms' } });
      assert.equal(outcome.error?.code, 'RP_ERR_DB_TIMEOUT', outcome.error?.message);
      assert.match(outcome.error.message, /57014/);
      assert.equal(outcome.findings?.[0]?.cause, 'db_query_timeout');
      assert.equal(outcome.metrics?.up, 1);
      assert.ok(elapsedMs < 2_000, `took ${elapsedMs} ms`);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });

  test('the probe deadline wins over a long statement_timeout: the socket is dropped on time', async () => {
    const locker = await lockStatementsView(superuserDbUrl);
    try {
      const { outcome, elapsedMs } = await runCheck('statements', cluster.url, { timeoutMs: 1_000, extra: { statementTimeout: '30s' } });
      assert.equal(outcome.error?.code, 'RP_ERR_DB_TIMEOUT', outcome.error?.message);
      assert.ok(elapsedMs < 1_400, `took ${elapsedMs} ms`);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });

  test('a shutdown abort is reported as aborted, not as a database problem', async () => {
    const locker = await lockStatementsView(superuserDbUrl);
    const controller = new AbortController();
    try {
      const running = runCheck('statements', cluster.url, { signal: controller.signal });
      await waitUntil(cluster.superuserUrl, PROBE_WAITING_ON_LOCK);
      controller.abort(new ProbeError('RP_ERR_PROBE_ABORTED', 'shutdown'));
      const { outcome } = await running;
      assert.equal(outcome.status, 'error');
      assert.equal(outcome.error?.code, 'RP_ERR_PROBE_ABORTED');
      assert.equal(outcome.findings, undefined);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });
});

describe('postgres probe against a TCP server that accepts and never speaks', () => {
  let server: Server;
  let url: string;
  const sockets = new Set<Socket>();
  let closed: Promise<void>[] = [];
  before(async () => {
    server = createServer((socket) => {
      socket.resume(); // read and discard the startup packet, so the client's FIN is seen; never answer
      sockets.add(socket);
      closed.push(new Promise((resolve) => socket.on('close', () => resolve(void sockets.delete(socket)))));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `postgres://radar:hung-secret@127.0.0.1:${(server.address() as AddressInfo).port}/radar`;
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('ends within the probe timeout and drops the socket', async () => {
    const { outcome, elapsedMs } = await runCheck('connect', url, { timeoutMs: 800, extra: { timeout: '30s' } });
    assert.equal(outcome.error?.code, 'RP_ERR_DB_TIMEOUT', outcome.error?.message);
    assert.equal(outcome.findings?.[0]?.cause, 'db_connection_failure');
    assert.ok(elapsedMs < 1_200, `took ${elapsedMs} ms`);
    assert.equal(closed.length, 1, 'the probe connected once');
    const grace = new Promise((resolve) => setTimeout(resolve, 500).unref());
    await Promise.race([Promise.all(closed), grace]);
    assert.equal(sockets.size, 0, 'the probe closed its socket');
    closed = [];
    assert.ok(!JSON.stringify(outcome).includes('hung-secret'));
  });

  test('database.timeout bounds the connect when it is shorter than the probe timeout', async () => {
    const { outcome, elapsedMs } = await runCheck('pool', url, { timeoutMs: 5_000, extra: { timeout: '300ms' } });
    assert.equal(outcome.error?.code, 'RP_ERR_DB_TIMEOUT', outcome.error?.message);
    assert.ok(elapsedMs < 1_000, `took ${elapsedMs} ms`);
  });

  test('a closed port is refused within the timeout', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { outcome, elapsedMs } = await runCheck('connect', `postgres://radar:x-secret@127.0.0.1:${port}/radar`, { timeoutMs: 2_000 });
    assert.equal(outcome.error?.code, 'RP_ERR_DB_REFUSED');
    assert.equal(outcome.findings?.[0]?.cause, 'db_connection_failure');
    assert.ok(elapsedMs < 2_000);
  });
});
