/** Connectivity against a real throwaway cluster: each failure class comes from a real server condition. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pgAvailable, PG_UNAVAILABLE_REASON, startPgCluster, superuserSql, type PgCluster } from '../../helpers/pg-cluster.js';
import { databaseYaml, runCheck } from './sessions.js';
import { postgresProbe, type PostgresProbeParams } from '../../../probes/postgres/index.js';
import { testConfig, testContext } from '../../helpers/context.js';
import { runProbe, type ProbeOutcome } from '../../../probes/types.js';

const skip = pgAvailable() ? false : PG_UNAVAILABLE_REASON;

function seriesValue(outcome: ProbeOutcome, name: string): number | undefined {
  return outcome.series?.find((s) => s.name === name)?.value;
}

function assertConnectionFailure(outcome: ProbeOutcome, code: string): void {
  assert.equal(outcome.status, 'fail', JSON.stringify(outcome));
  assert.equal(outcome.error?.code, code, outcome.error?.message);
  const finding = outcome.findings?.[0];
  assert.equal(finding?.cause, 'db_connection_failure');
  assert.equal(finding?.severity, 'P1');
  assert.ok(
    finding?.evidence.some((line) => line.startsWith(`${code}:`)),
    'evidence names the failure class',
  );
  assert.ok(
    finding?.actions.some((a) => a.includes('SELECT 1')),
    'runbook actions are attached',
  );
  assert.equal(seriesValue(outcome, 'probe_db_up'), 0);
}

describe('postgres connect check', { skip }, () => {
  let cluster: PgCluster;
  before(async () => {
    cluster = await startPgCluster({ hba: ['host all rejected_role 127.0.0.1/32 reject'] });
    await superuserSql(cluster.superuserUrl, ["CREATE ROLE rejected_role LOGIN PASSWORD 'rejected-pass'"]);
  });
  after(async () => cluster?.stop());

  test('connects, runs SELECT 1 and reports the latency', async () => {
    const { outcome } = await runCheck('connect', cluster.url);
    assert.equal(outcome.status, 'pass', JSON.stringify(outcome.error));
    assert.equal(outcome.metrics?.up, 1);
    assert.ok(typeof outcome.metrics?.connectMs === 'number' && outcome.metrics.connectMs > 0);
    assert.match(String(outcome.metrics?.serverVersion), /^\d+/);
    assert.equal(seriesValue(outcome, 'probe_db_up'), 1);
    assert.ok((seriesValue(outcome, 'probe_db_connect_seconds') ?? 0) > 0);
  });

  test('a wrong password is an auth failure and neither password appears anywhere in the outcome', async () => {
    const wrong = 'Wr0ng-p@ss/w:rd!';
    const { outcome } = await runCheck('connect', cluster.urlFor({ password: wrong }));
    assertConnectionFailure(outcome, 'RP_ERR_DB_AUTH');
    const json = JSON.stringify(outcome);
    for (const secret of [wrong, encodeURIComponent(wrong), cluster.password]) assert.ok(!json.includes(secret), `leaked ${secret}`);
    assert.ok(!json.includes('postgres://'), 'no DSN in the outcome');
    assert.match(outcome.error!.message, /28P01/);
  });

  test('a pg_hba reject rule is classified as an hba rejection', async () => {
    const { outcome } = await runCheck('connect', cluster.urlFor({ user: 'rejected_role', password: 'rejected-pass' }));
    assertConnectionFailure(outcome, 'RP_ERR_DB_HBA');
    assert.match(outcome.error!.message, /pg_hba\.conf/);
  });

  test('a database that does not exist', async () => {
    const { outcome } = await runCheck('connect', cluster.urlFor({ database: 'no_such_db' }));
    assertConnectionFailure(outcome, 'RP_ERR_DB_NOT_FOUND');
  });

  test('SSL required by the client against a server without SSL', async () => {
    const { outcome } = await runCheck('connect', cluster.urlFor({ params: 'sslmode=verify-full' }));
    assertConnectionFailure(outcome, 'RP_ERR_DB_SSL');
  });

  test('a host name that does not resolve', async () => {
    const { outcome } = await runCheck('connect', 'postgres://radar:secret-pass@no-such-host.invalid:5432/radar');
    assertConnectionFailure(outcome, 'RP_ERR_DB_DNS');
    assert.ok(!JSON.stringify(outcome).includes('secret-pass'));
  });

  test('every check reports a connection failure the same way', async () => {
    for (const check of ['long-queries', 'statements', 'pool'] as const) {
      const { outcome } = await runCheck(check, cluster.urlFor({ password: 'wrong-password' }));
      assertConnectionFailure(outcome, 'RP_ERR_DB_AUTH');
    }
  });

  test('no URL: skipped with the reason, for every check', async () => {
    for (const check of ['connect', 'long-queries', 'statements', 'pool'] as const) {
      const { outcome } = await runCheck(check, '');
      assert.equal(outcome.status, 'skipped');
      assert.match(outcome.reason ?? '', /DATABASE_URL is not set/);
    }
  });

  test('an unknown check is a config error', async () => {
    const config = testConfig(databaseYaml(cluster.url));
    const ctx = testContext(config);
    const params = { check: 'vacuum' } as unknown as PostgresProbeParams;
    const outcome = await runProbe(postgresProbe, params, ctx);
    await ctx.close();
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error?.code, 'RP_ERR_CONFIG_INVALID');
    assert.match(outcome.error.message, /connect, long-queries, statements, pool/);
  });

  test('a malformed URL is a config error that does not echo the URL', () => {
    // it no longer reaches the probe: loading the config refuses it, naming the key and not the value
    const refused = (err: unknown): boolean => {
      const { code, message } = err as { code?: string; message?: string };
      return code === 'RP_ERR_CONFIG_INVALID' && /^database\.url: /.test(message ?? '') && !message?.includes('hunter2-secret');
    };
    const url = 'postgres://radar:hunter2-secret@[broken/radar';
    assert.throws(() => testConfig(databaseYaml(url)), refused);
    assert.throws(() => testConfig(databaseYaml('host=localhost dbname=radar')), refused);
  });
});
