/**
 * Runbook Scenario 3 › Database Slow Queries: the top statements by mean execution time from pg_stat_statements.
 * Only what ran during the observation is judged: the daemon compares with its previous run, a one-shot scenario with
 * the baseline it took before its load (`window: 'run'`). A slow statement from months ago is not today's incident,
 * so without an earlier snapshot the all-time ranking is shown as context and nothing is flagged.
 */
import type { MetricRecord } from '../../src/model/types.js';
import { skipped, type ProbeOutcome } from '../types.js';
import type { DbCheck } from './check.js';
import { gauge, round, truncateQuery } from './series.js';
import { DbFailure, type PgSession } from './session.js';
import { rankStatements, readSnapshot, writeSnapshot, type RankedStatement, type StatementCounters } from './statements-delta.js';

const HOW_TO_ENABLE =
  "set shared_preload_libraries = 'pg_stat_statements' in postgresql.conf, restart the server, then run CREATE EXTENSION pg_stat_statements; in this database";
/** Maintenance, DDL and transaction control would otherwise top the list (a CREATE INDEX is slow by nature). `\y` is a word boundary in PostgreSQL regexes. */
const UTILITY_RE =
  '^\\s*(/\\*[^*]*\\*/\\s*)*(vacuum|analyze|create|alter|drop|reindex|cluster|copy|refresh|grant|revoke|comment|truncate|checkpoint|begin|start|commit|end|rollback|savepoint|release|set|reset|show|lock|discard|deallocate|prepare|explain|listen|unlisten|notify|load)\\y';

interface CounterRow {
  key: string | null;
  calls: number;
  total_ms: number;
}

export const statementsCheck: DbCheck = async (session, { ctx, db, raise }) => {
  const [ext] = await session.query<{ schema: string; version: number; db: string }>(
    `SELECT quote_ident(n.nspname) AS schema, current_setting('server_version_num')::int AS version, current_database() AS db
     FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'`,
  );
  if (!ext)
    return skipped(`pg_stat_statements is not installed in this database: ${HOW_TO_ENABLE}`, {
      extension: 'missing',
      code: 'RP_ERR_DB_EXTENSION_MISSING',
    });
  const view = `${ext.schema}.pg_stat_statements`;
  const totalColumn = ext.version >= 130_000 ? 'total_exec_time' : 'total_time';
  let rows: CounterRow[];
  try {
    // Our own statements carry a leading tag; other roles' entries have no queryid unless we may read all stats.
    rows = await session.query<CounterRow>(
      `SELECT CASE WHEN queryid IS NULL THEN NULL ELSE concat_ws('/', userid, dbid, queryid) END AS key,
              sum(calls)::float8 AS calls, sum(${totalColumn})::float8 AS total_ms
       FROM ${view} WHERE query NOT LIKE '/* radar-probe */%' AND query !~* $1
       GROUP BY userid, dbid, queryid`,
      [UTILITY_RE],
    );
  } catch (err) {
    if (err instanceof DbFailure && err.info.sqlstate === '55000') {
      return skipped(`pg_stat_statements is created but not loaded: ${HOW_TO_ENABLE}`, {
        extension: 'not-loaded',
        code: 'RP_ERR_DB_EXTENSION_MISSING',
      });
    }
    throw err;
  }
  const counters = new Map<string, StatementCounters>();
  let hidden = 0;
  for (const row of rows) {
    if (row.key === null) hidden += row.calls > 0 ? 1 : 0;
    else counters.set(row.key, { calls: row.calls, totalMs: row.total_ms });
  }
  const previous = readSnapshot(ctx.memory, session.server);
  const ranked = rankStatements(counters, previous, db.statementsTop);
  writeSnapshot(ctx.memory, { server: session.server, takenAt: Date.now(), counters });

  const allTime = previous ? rankStatements(counters, undefined, db.statementsTop) : ranked;
  const texts = await statementTexts(session, view, [...new Set([...ranked, ...allTime].map((r) => r.key))], db.queryTextMax, ctx.redact);
  const shown = (list: readonly RankedStatement[]): ShownStatement[] =>
    list.map((r) => ({
      query: texts.get(r.key) ?? '(no longer in pg_stat_statements)',
      calls: r.calls,
      meanMs: round(r.meanMs),
      totalMs: round(r.totalMs),
    }));
  const allTimeTop = shown(allTime);
  if (!previous) {
    // Nothing to compare with: history is context for the reader, not a verdict on this minute.
    const metrics: MetricRecord = { mode: 'all-time', statements: allTimeTop.length, hiddenStatements: hidden };
    return { status: 'pass', metrics, details: { mode: 'all-time', allTimeTop } };
  }
  const topStatements = shown(ranked);
  const windowSeconds = round((Date.now() - previous.takenAt) / 1000, 1);
  const topMeanMs = topStatements[0]?.meanMs ?? 0;
  const metrics: MetricRecord = { mode: 'window', statements: topStatements.length, topMeanMs, hiddenStatements: hidden };
  const details: MetricRecord = { mode: 'window', windowSeconds, topStatements, allTimeTop };
  const series = topStatements.map((s, i) => gauge('probe_db_statement_mean_seconds', round(s.meanMs / 1000, 6), { rank: String(i + 1) }));
  // The check passes: the database answered. A slow statement is a finding, so the runbook table sets its weight.
  const outcome: ProbeOutcome = { status: 'pass', metrics, details, series };
  const slow = topStatements.filter((s) => s.meanMs > db.slowStatementThreshold);
  if (slow.length === 0) return outcome;
  const window = `in the ${windowSeconds} s observed`;
  outcome.findings = [
    raise('db_slow_statements', {
      severity: 'P3',
      summary: `${slow.length} ${slow.length === 1 ? 'statement averages' : 'statements average'} more than ${db.slowStatementThreshold} ms per call on ${session.server} ${window} (slowest ${topMeanMs} ms)`,
      evidence: slow.map(
        (s, i) => `#${i + 1} mean ${s.meanMs} ms over ${s.calls} call${s.calls === 1 ? '' : 's'} (total ${s.totalMs} ms): ${s.query}`,
      ),
    }),
  ];
  return outcome;
};

interface ShownStatement extends MetricRecord {
  query: string;
  calls: number;
  meanMs: number;
  totalMs: number;
}

async function statementTexts(
  session: PgSession,
  view: string,
  keys: readonly string[],
  queryTextMax: number,
  redact: (text: string) => string,
): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  if (keys.length === 0) return texts;
  const rows = await session.query<{ key: string; query: string }>(
    `SELECT DISTINCT ON (key) key, left(query, $2::int + 1) AS query
     FROM (SELECT concat_ws('/', userid, dbid, queryid) AS key, query FROM ${view} WHERE queryid IS NOT NULL) s
     WHERE key = ANY($1::text[])`,
    [keys, queryTextMax],
  );
  for (const row of rows) texts.set(row.key, redact(truncateQuery(row.query, queryTextMax)));
  return texts;
}
