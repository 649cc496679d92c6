/** pg_stat_statements ranking from real slow statements, the daemon's delta between runs, and a missing extension. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pgAvailable, PG_UNAVAILABLE_REASON, startPgCluster, superuserSql, type PgCluster } from '../../helpers/pg-cluster.js';
import { postgresProbe } from '../../../probes/postgres/index.js';
import { ProbeRegistry } from '../../../probes/registry.js';
import type { ProbeKind, ProbeOutcome } from '../../../probes/types.js';
import { z } from 'zod';
import type { ProbeResult, RunReport } from '../../../src/model/types.js';
import { Daemon } from '../../../src/daemon/daemon.js';
import { switchableRedactor } from '../../../src/daemon/generation.js';
import { startSimulatedApi } from '../../../src/demo/api.js';
import { silentLogger } from '../../../src/support/log.js';
import { Runner } from '../../../src/runner/runner.js';
import { testConfig, testContext } from '../../helpers/context.js';
import { closeAll, connect, databaseYaml, runCheck } from './sessions.js';

const skip = pgAvailable() ? false : PG_UNAVAILABLE_REASON;

interface TopStatement {
  query: string;
  calls: number;
  meanMs: number;
  totalMs: number;
}

async function runStatements(url: string, sql: string, times: number): Promise<void> {
  const client = await connect(url);
  try {
    for (let i = 0; i < times; i++) await client.query(sql);
  } finally {
    await closeAll([client]);
  }
}

function sleepEntry(top: TopStatement[]): TopStatement | undefined {
  return top.find((s) => s.query.includes('pg_sleep'));
}

describe('postgres statements check', { skip }, () => {
  let cluster: PgCluster;
  before(async () => {
    cluster = await startPgCluster();
    // a slow statement, pgbench-free; constants are normalised, so every pg_sleep call is one entry
    await runStatements(cluster.url, 'SELECT pg_sleep(0.6)', 2);
    await superuserSql(cluster.superuserUrl, ['CREATE DATABASE no_stats OWNER radar']);
  });
  after(async () => cluster?.stop());

  const memory = new Map<string, unknown>();

  test('first run has nothing to compare with: all-time figures are context, no finding', async () => {
    const { outcome } = await runCheck('statements', cluster.url, { memory });
    assert.equal(outcome.status, 'pass', JSON.stringify(outcome.error));
    assert.equal(outcome.details?.mode, 'all-time');
    const top = outcome.details?.allTimeTop as unknown as TopStatement[];
    const slow = sleepEntry(top);
    assert.ok(slow, JSON.stringify(top));
    assert.equal(top[0], slow, 'the sleeping statement ranks first');
    assert.equal(slow.calls, 2);
    assert.ok(slow.meanMs >= 600 && slow.totalMs >= 1_200, JSON.stringify(slow));
    assert.ok(!top.some((s) => /radar-probe|pg_stat_|^SET /i.test(s.query)), 'our own and utility statements are left out');
    assert.equal(outcome.findings, undefined, 'history is not an incident');
    assert.ok(!outcome.series?.some((s) => s.name === 'probe_db_statement_mean_seconds'), 'no gauge claims history is the current mean');
  });

  test('the next run reports only what ran since: a now-fast statement no longer looks slow', async () => {
    await runStatements(cluster.url, 'SELECT pg_sleep(0.01)', 3);
    const { outcome } = await runCheck('statements', cluster.url, { memory });
    assert.equal(outcome.details?.mode, 'window');
    const entry = sleepEntry(outcome.details?.topStatements as unknown as TopStatement[]);
    assert.ok(entry, 'the statement ran since the previous run');
    assert.equal(entry.calls, 3);
    assert.ok(entry.meanMs < 200, `delta mean ${entry.meanMs} ms`); // all-time mean would be ~250 ms
    assert.equal(outcome.findings, undefined);
  });

  test('a fresh regression shows in the delta', async () => {
    await runStatements(cluster.url, 'SELECT count(*) FROM pg_sleep(0.55), generate_series(1, 10)', 1);
    const { outcome } = await runCheck('statements', cluster.url, { memory, extra: { slowStatementThreshold: '500ms' } });
    const top = outcome.details?.topStatements as unknown as TopStatement[];
    assert.match(top[0].query, /generate_series/);
    assert.equal(top[0].calls, 1);
    assert.equal(outcome.findings?.[0]?.cause, 'db_slow_statements');
    const rank1 = outcome.series?.find((s) => s.name === 'probe_db_statement_mean_seconds' && s.labels?.rank === '1');
    assert.ok(rank1 && rank1.value >= 0.55);
    const history = outcome.details?.allTimeTop as unknown as TopStatement[];
    assert.equal(history.find((h) => /^SELECT pg_sleep/.test(h.query))?.calls, 5, 'all-time context stays alongside the window');
  });

  test('statement text is truncated to queryTextMax', async () => {
    const { outcome } = await runCheck('statements', cluster.url, { extra: { queryTextMax: 16 } });
    const top = outcome.details?.allTimeTop as unknown as TopStatement[];
    assert.ok(top.length > 0);
    for (const s of top) assert.ok(s.query.length <= 16, s.query);
  });

  test('extension not created in the database: skipped with how to enable it', async () => {
    const { outcome } = await runCheck('statements', cluster.urlFor({ database: 'no_stats' }));
    assert.equal(outcome.status, 'skipped');
    assert.match(outcome.reason ?? '', /shared_preload_libraries = 'pg_stat_statements'/);
    assert.match(outcome.reason ?? '', /CREATE EXTENSION pg_stat_statements/);
  });
});

/**
 * A one-shot scenario judges statements over its own load: the runner takes the statements baseline before the other
 * probes start and the ranking after they end. The "load" here is a probe that runs SQL on the real cluster.
 */
describe('statements judged over the run window', { skip }, () => {
  let cluster: PgCluster;
  before(async () => {
    cluster = await startPgCluster();
  });
  after(async () => cluster?.stop());

  const sqlLoad: ProbeKind<{ sql: string }> = {
    name: 'sql-load',
    params: z.object({ sql: z.string() }),
    async run(params): Promise<ProbeOutcome> {
      await runStatements(cluster.url, params.sql, 1);
      return { status: 'pass' };
    },
  };

  async function scenarioRun(loadSql: string): Promise<ProbeResult> {
    const config = testConfig(databaseYaml(cluster.url));
    const ctx = testContext(config);
    const runner = new Runner({ kinds: new ProbeRegistry().register(postgresProbe).register(sqlLoad), base: ctx, defaultTimeoutMs: 5_000 });
    try {
      const results = await runner.runAll([
        { name: 'load', kind: 'sql-load', params: { sql: loadSql } },
        { name: 'db-statements', kind: 'postgres', params: { check: 'statements' }, window: 'run' },
      ]);
      assert.deepEqual(
        results.map((r) => r.name),
        ['load', 'db-statements'],
        'results keep spec order',
      );
      return results[1];
    } finally {
      await ctx.close();
    }
  }

  test('a slow statement that ran before the run started is history: context, no finding', async () => {
    await runStatements(cluster.url, 'SELECT pg_sleep(0.6)', 1);
    const result = await scenarioRun('SELECT 1');
    assert.equal(result.status, 'pass', JSON.stringify(result));
    assert.equal(result.details?.mode, 'window');
    assert.equal(result.findings, undefined, JSON.stringify(result.findings));
    assert.ok(sleepEntry(result.details?.allTimeTop as unknown as TopStatement[]), 'history is shown as context');
  });

  test('a slow statement that ran during the load is a db_slow_statements finding', async () => {
    const result = await scenarioRun('SELECT pg_sleep(0.6)');
    const finding = result.findings?.[0];
    assert.equal(finding?.cause, 'db_slow_statements', JSON.stringify(result));
    assert.match(finding.evidence[0], /pg_sleep/);
    assert.match(finding.evidence[0], /over 1 call\b/);
  });

  test('a freshly started daemon: history is context on its first run; a slow statement between runs is a finding', async () => {
    const api = await startSimulatedApi({ port: 0 });
    const config = testConfig(`
target: ${api.url}
${databaseYaml(cluster.url)}
external: { openai: { enabled: false }, github: { enabled: false } }
incidents: { stateDir: ${JSON.stringify(mkdtempSync(join(tmpdir(), 'rp-statements-')))} }
`);
    const daemon = await Daemon.start({
      config,
      log: silentLogger(),
      redact: switchableRedactor(config, {}),
      env: {},
      listen: false,
      schedule: false,
    });
    const slowCauses = (report: RunReport): string[] => report.findings.filter((f) => f.cause === 'db_slow_statements').map((f) => f.summary);
    try {
      await runStatements(cluster.url, 'SELECT pg_sleep(0.6)', 1); // history from before this daemon's first run
      assert.deepEqual(slowCauses(await daemon.runOnce()), [], 'the first run has nothing to compare with');
      await runStatements(cluster.url, 'SELECT pg_sleep(0.6)', 1);
      assert.equal(slowCauses(await daemon.runOnce()).length, 1, 'what ran between two runs is judged');
    } finally {
      await daemon.stop();
      await api.close();
    }
  });
});

describe('postgres statements check without the library preloaded', { skip }, () => {
  let cluster: PgCluster;
  before(async () => {
    cluster = await startPgCluster({ preloadStatements: false });
  });
  after(async () => cluster?.stop());

  test('extension created but not in shared_preload_libraries: skipped with how to enable it', async () => {
    const { outcome } = await runCheck('statements', cluster.url);
    assert.equal(outcome.status, 'skipped', JSON.stringify(outcome));
    assert.match(outcome.reason ?? '', /not loaded/);
    assert.match(outcome.reason ?? '', /shared_preload_libraries/);
  });
});
