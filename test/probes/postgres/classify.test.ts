/** Error classes that a local cluster cannot produce on demand, and the pg_stat_statements delta arithmetic. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyDbError, scrubSecrets } from '../../../probes/postgres/classify.js';
import { truncateQuery } from '../../../probes/postgres/series.js';
import { rankStatements } from '../../../probes/postgres/statements-delta.js';

const URL_WITH_SECRET = 'postgresql://app:s3cr%2Ft@db.internal:5432/app';
const noRedact = (text: string): string => text;

function errorWith(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

describe('database error classification', () => {
  const cases: [string, Error, 'connect' | 'query', string][] = [
    ['connect ETIMEDOUT', errorWith('connect ETIMEDOUT 10.0.0.1:5432', 'ETIMEDOUT'), 'connect', 'RP_ERR_DB_TIMEOUT'],
    ['DNS temporary failure', errorWith('getaddrinfo EAI_AGAIN db.internal', 'EAI_AGAIN'), 'connect', 'RP_ERR_DB_DNS'],
    ['admin shutdown', errorWith('terminating connection due to administrator command', '57P01'), 'query', 'RP_ERR_DB_CONNECTION_LOST'],
    ['server starting up', errorWith('the database system is starting up', '57P03'), 'connect', 'RP_ERR_DB_REFUSED'],
    [
      'managed server insisting on TLS',
      errorWith('SSL connection is required. Please specify SSL options and retry.', '28000'),
      'connect',
      'RP_ERR_DB_SSL',
    ],
    ['self-signed certificate', errorWith('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'connect', 'RP_ERR_DB_SSL'],
    ['pg connect timeout', errorWith('timeout expired'), 'connect', 'RP_ERR_DB_TIMEOUT'],
    ['socket closed mid-query', errorWith('Connection terminated unexpectedly'), 'query', 'RP_ERR_DB_CONNECTION_LOST'],
    ['URL without a password', errorWith('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), 'connect', 'RP_ERR_DB_AUTH'],
    ['permission denied', errorWith('permission denied for view x', '42501'), 'query', 'RP_ERR_DB_QUERY'],
  ];
  for (const [name, err, phase, code] of cases) {
    test(name, () => assert.equal(classifyDbError(err, phase, URL_WITH_SECRET, noRedact).code, code));
  }

  test('the DSN and both forms of its password are scrubbed from any message', () => {
    const text = `could not use ${URL_WITH_SECRET} (password s3cr/t, encoded s3cr%2Ft) or postgres://x:y@h/d`;
    const out = scrubSecrets(text, URL_WITH_SECRET, noRedact);
    for (const leak of ['s3cr/t', 's3cr%2Ft', 'db.internal', 'postgres://x:y']) assert.ok(!out.includes(leak), out);
  });
});

describe('query text for evidence', () => {
  test('password literals are hidden, even when the server cut the text mid-literal', () => {
    assert.equal(truncateQuery("ALTER ROLE app WITH PASSWORD 'it''s-secret'", 200), "ALTER ROLE app WITH PASSWORD '[REDACTED]'");
    assert.equal(truncateQuery("ALTER ROLE app PASSWORD 'half-of-a-sec", 200), "ALTER ROLE app PASSWORD '[REDACTED]'");
  });

  test('whitespace is collapsed and the cut is marked', () => {
    assert.equal(truncateQuery('SELECT  *\n  FROM   papers WHERE id = $1', 20), 'SELECT * FROM paper…');
  });
});

describe('pg_stat_statements delta', () => {
  const snapshot = (entries: [string, number, number][]) => ({
    server: 's',
    takenAt: 0,
    counters: new Map(entries.map(([key, calls, totalMs]) => [key, { calls, totalMs }])),
  });

  test('ranks by the mean over the window; idle entries drop out; a reset counter counts whole', () => {
    const previous = snapshot([
      ['a', 10, 10_000],
      ['b', 5, 50],
      ['c', 100, 1_000],
    ]);
    const current = snapshot([
      ['a', 10, 10_000],
      ['b', 7, 1_050],
      ['c', 4, 8],
      ['d', 1, 3],
    ]).counters;
    const ranked = rankStatements(current, previous, 10);
    assert.deepEqual(
      ranked.map((r) => r.key),
      ['b', 'd', 'c'],
    );
    assert.deepEqual(ranked[0], { key: 'b', calls: 2, totalMs: 1_000, meanMs: 500 });
    assert.equal(ranked[2].calls, 4, 'c was reset: its 4 calls are all new');
    assert.equal(rankStatements(current, previous, 1).length, 1);
  });
});
