/** Long-running queries from a real sleeping session, found in pg_stat_activity with pid and duration. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pgAvailable, PG_UNAVAILABLE_REASON, startPgCluster, superuserSql, type PgCluster } from '../../helpers/pg-cluster.js';
import { closeAll, runCheck, startSleeper, waitUntil, type Sleeper } from './sessions.js';

const skip = pgAvailable() ? false : PG_UNAVAILABLE_REASON;
const ACTIVE_FOR = `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'
  AND clock_timestamp() - query_start > make_interval(secs => $2)) AS ok`;

interface LongQuery {
  pid: number;
  seconds: number;
  waitEvent: string | null;
  query: string;
}

describe('postgres long-queries check', { skip }, () => {
  let cluster: PgCluster;
  const sleepers: Sleeper[] = [];
  before(async () => {
    cluster = await startPgCluster();
    await superuserSql(cluster.superuserUrl, ["CREATE ROLE other_app LOGIN PASSWORD 'other-pass'"]);
  });
  after(async () => {
    if (!cluster) return;
    await superuserSql(cluster.superuserUrl, ["SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'"]);
    await closeAll(sleepers.map((s) => s.client));
    await cluster.stop();
  });

  test('nothing slow: passes; a zero threshold still never counts our own backend; hidden sessions are counted', async () => {
    // a session of another role is invisible to ours without pg_read_all_stats: it must show as hidden, not as slow
    const hidden = await startSleeper(cluster.urlFor({ user: 'other_app', password: 'other-pass' }), 30);
    sleepers.push(hidden);
    await waitUntil(cluster.superuserUrl, ACTIVE_FOR, [hidden.pid, 0]);
    const { outcome } = await runCheck('long-queries', cluster.url, { extra: { longQueryThreshold: '0ms' } });
    assert.equal(outcome.status, 'pass', JSON.stringify(outcome));
    assert.equal(outcome.metrics?.longRunning, 0);
    assert.equal(outcome.metrics?.hiddenBackends, 1);
    assert.match(String(outcome.details?.visibility), /pg_read_all_stats/);
    assert.equal(outcome.series?.find((s) => s.name === 'probe_db_long_running_queries')?.value, 0);
    await superuserSql(cluster.superuserUrl, [`SELECT pg_cancel_backend(${hidden.pid})`]);
  });

  test('a query sleeping in another session is reported with pid, duration, wait event and text', async () => {
    const sleeper = await startSleeper(cluster.url, 6);
    sleepers.push(sleeper);
    await waitUntil(cluster.url, ACTIVE_FOR, [sleeper.pid, 1]);
    const { outcome } = await runCheck('long-queries', cluster.url, { extra: { longQueryThreshold: '1s' } });
    assert.equal(outcome.status, 'fail');
    const queries = outcome.details?.longQueries as unknown as LongQuery[];
    assert.equal(queries.length, 1);
    assert.equal(queries[0].pid, sleeper.pid);
    assert.ok(queries[0].seconds >= 1, `duration ${queries[0].seconds}`);
    assert.equal(queries[0].waitEvent, 'Timeout:PgSleep');
    assert.match(queries[0].query, /pg_sleep/);
    const finding = outcome.findings?.[0];
    assert.equal(finding?.cause, 'db_query_timeout');
    assert.equal(finding?.severity, 'P2');
    assert.match(finding.summary, new RegExp(`pid ${sleeper.pid}`));
    assert.ok(finding.evidence[0].includes(`pid ${sleeper.pid} active for`));
    assert.match(finding.actions[0], new RegExp(`^SELECT pg_terminate_backend\\(${sleeper.pid}\\);  -- suggested, not executed`));
    assert.ok(
      finding.actions.some((a) => /EXPLAIN ANALYZE/.test(a)),
      'index advice from the runbook',
    );
    assert.equal(outcome.series?.find((s) => s.name === 'probe_db_long_running_queries')?.value, 1);
    assert.ok((outcome.series?.find((s) => s.name === 'probe_db_longest_query_seconds')?.value ?? 0) >= 1);
    for (const sample of outcome.series ?? []) assert.ok(!JSON.stringify(sample.labels ?? {}).includes(String(sleeper.pid)), 'no pid in labels');
    // suggested, never executed: the sleeper is still running
    await waitUntil(cluster.url, ACTIVE_FOR, [sleeper.pid, 1]);
  });

  test('query text is truncated to queryTextMax', async () => {
    const sleeper = sleepers.at(-1)!;
    const { outcome } = await runCheck('long-queries', cluster.url, { extra: { longQueryThreshold: '1s', queryTextMax: 16 } });
    const queries = outcome.details?.longQueries as unknown as LongQuery[];
    const mine = queries.find((q) => q.pid === sleeper.pid);
    assert.ok(mine, 'the sleeper is listed');
    assert.ok(mine.query.length <= 16 && mine.query.endsWith('…'), mine.query);
  });
  test('the runbook default threshold (5 s) catches the same query once it is old enough', async () => {
    const sleeper = sleepers.at(-1)!;
    await waitUntil(cluster.url, ACTIVE_FOR, [sleeper.pid, 5]);
    const { outcome } = await runCheck('long-queries', cluster.url);
    assert.equal(outcome.metrics?.thresholdMs, 5_000);
    assert.equal(outcome.findings?.[0]?.cause, 'db_query_timeout');
    assert.ok((outcome.metrics?.longestSeconds as number) >= 5);
  });
});
