/**
 * Runbook Scenario 2 › Database Query Timeouts: client queries active for longer than the threshold, from
 * pg_stat_activity. Our own backend, autovacuum and other non-client backends are left out.
 */
import type { MetricRecord } from '../../src/model/types.js';
import type { ProbeOutcome } from '../types.js';
import type { DbCheck } from './check.js';
import { gauge, round, truncateQuery } from './series.js';

/** Enough to name the culprits; the count metric still says how many there are. */
const LIST_LIMIT = 20;
const TERMINATE_SUGGESTIONS = 5;

/** Columns of `slow` are null on the single filler row that carries the counts when nothing is slow. */
interface ActivityRow {
  pid: number | null;
  seconds: number;
  state: string;
  wait_event_type: string | null;
  wait_event: string | null;
  usename: string | null;
  datname: string | null;
  application_name: string | null;
  query: string | null;
  total: number;
  hidden: number;
}

/**
 * Sessions of other roles are visible to us only with pg_read_all_stats: otherwise every column but pid, datid and
 * usename is null, backend_type included. Such a row with a database is (almost always) a client we cannot see.
 */
export const CLIENT_BACKEND = `(backend_type = 'client backend' OR (backend_type IS NULL AND datid IS NOT NULL))`;

const SQL = `
WITH client AS (
  SELECT * FROM pg_stat_activity WHERE ${CLIENT_BACKEND} AND pid <> pg_backend_pid()
), slow AS (
  SELECT pid, EXTRACT(EPOCH FROM clock_timestamp() - query_start)::float8 AS seconds, state, wait_event_type, wait_event,
         usename, datname, application_name, left(query, $2::int + 1) AS query
  FROM client WHERE state = 'active' AND clock_timestamp() - query_start > make_interval(secs => $1::float8)
)
SELECT slow.*, (SELECT count(*) FROM slow)::int AS total,
       (SELECT count(*) FROM client WHERE state IS NULL)::int AS hidden
FROM slow RIGHT JOIN (SELECT 1) AS one ON true
ORDER BY seconds DESC NULLS LAST LIMIT ${LIST_LIMIT}`;

export const longQueriesCheck: DbCheck = async (session, { ctx, db, raise }) => {
  const thresholdS = db.longQueryThreshold / 1000;
  const rows = await session.query<ActivityRow>(SQL, [thresholdS, db.queryTextMax]);
  // The RIGHT JOIN always yields one row, so the counts arrive even when nothing is slow.
  const total = rows[0]?.total ?? 0;
  const hidden = rows[0]?.hidden ?? 0;
  const slow = rows.filter((r): r is ActivityRow & { pid: number } => r.pid !== null);
  const queries = slow.map((r) => ({
    pid: r.pid,
    seconds: round(r.seconds, 1),
    state: r.state,
    waitEvent: r.wait_event_type ? `${r.wait_event_type}:${r.wait_event ?? ''}` : null,
    user: r.usename,
    database: r.datname,
    application: r.application_name || null,
    query: ctx.redact(truncateQuery(r.query, db.queryTextMax)),
  }));
  const longest = queries[0]?.seconds ?? 0;
  const metrics: MetricRecord = { longRunning: total, longestSeconds: longest, thresholdMs: db.longQueryThreshold, hiddenBackends: hidden };
  const series = [gauge('probe_db_long_running_queries', total), gauge('probe_db_longest_query_seconds', longest)];
  const details: MetricRecord = { longQueries: queries };
  const outcome: ProbeOutcome = { status: 'pass', metrics, details, series };
  if (hidden > 0) {
    details.visibility = `${hidden} other sessions are hidden from this role; GRANT pg_read_all_stats (or pg_monitor) to see them`;
  }
  if (total === 0) return outcome;
  const evidence = queries.map(
    (q) =>
      `pid ${q.pid} active for ${q.seconds} s (state ${q.state}${q.waitEvent ? `, waiting on ${q.waitEvent}` : ''}` +
      `, user ${q.user ?? '?'}, database ${q.database ?? '?'}${q.application ? `, application ${q.application}` : ''}): ${q.query}`,
  );
  if (total > queries.length) evidence.push(`… and ${total - queries.length} more`);
  outcome.status = 'fail';
  outcome.findings = [
    raise('db_query_timeout', {
      severity: 'P2',
      summary: `${total} ${total === 1 ? 'query has' : 'queries have'} been active for more than ${thresholdS} s on ${session.server} (longest ${longest} s, pid ${queries[0].pid})`,
      evidence,
      extraActions: queries
        .slice(0, TERMINATE_SUGGESTIONS)
        .map((q) => `SELECT pg_terminate_backend(${q.pid});  -- suggested, not executed (active ${q.seconds} s)`),
    }),
  ];
  return outcome;
};
