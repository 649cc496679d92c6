/**
 * Runbook Scenario 3 › Connection Pool Exhaustion, seen from the server: client backends against the slots an
 * application role can use (max_connections minus the slots reserved for superusers).
 */
import type { MetricRecord } from '../../src/model/types.js';
import type { ProbeOutcome } from '../types.js';
import type { DbCheck } from './check.js';
import { CLIENT_BACKEND } from './long-queries.js';
import { gauge, round } from './series.js';

/** Fixed label set, so the series exist (at 0) even when no backend is in a state. `unknown`: another role's session we may not see. */
const STATE_LABELS: Record<string, string> = {
  active: 'active',
  idle: 'idle',
  'idle in transaction': 'idle_in_transaction',
  'idle in transaction (aborted)': 'idle_in_transaction_aborted',
  unknown: 'unknown',
};
const OTHER = 'other';

interface PoolRow {
  max_connections: number;
  reserved: number;
  states: Record<string, number> | null;
}

const SQL = `
SELECT current_setting('max_connections')::int AS max_connections,
       current_setting('superuser_reserved_connections')::int
         + coalesce(nullif(current_setting('reserved_connections', true), ''), '0')::int AS reserved,
       (SELECT json_object_agg(state, n) FROM (
          SELECT coalesce(state, 'unknown') AS state, count(*)::int AS n
          FROM pg_stat_activity WHERE ${CLIENT_BACKEND} GROUP BY 1) s) AS states`;

export const poolCheck: DbCheck = async (session, { db, raise }) => {
  const [row] = await session.query<PoolRow>(SQL);
  const max = row?.max_connections ?? 0;
  const usable = Math.max(1, max - (row?.reserved ?? 0));
  const byLabel: Record<string, number> = Object.fromEntries([...Object.values(STATE_LABELS), OTHER].map((l) => [l, 0]));
  for (const [state, n] of Object.entries(row?.states ?? {})) byLabel[STATE_LABELS[state] ?? OTHER] += n;
  const used = Object.values(byLabel).reduce((a, b) => a + b, 0);
  const idleInTx = byLabel.idle_in_transaction + byLabel.idle_in_transaction_aborted;
  const saturation = round(used / usable, 4);
  const metrics: MetricRecord = {
    connections: used,
    usableConnections: usable,
    maxConnections: max,
    saturation,
    idleInTransaction: idleInTx,
    byState: { ...byLabel },
  };
  const series = [
    gauge('probe_db_max_connections', max),
    ...Object.entries(byLabel).map(([state, n]) => gauge('probe_db_connections', n, { state })),
  ];
  const outcome: ProbeOutcome = { status: 'pass', metrics, series };
  if (saturation < db.poolSaturation) return outcome;
  const breakdown = Object.entries(byLabel)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${state} ${n}`)
    .join(', ');
  const evidence = [
    `${used} of ${usable} usable connections in use on ${session.server} (${Math.round(saturation * 100)} %; max_connections ${max}, ${max - usable} reserved for superusers)`,
    `client backends by state: ${breakdown}`,
  ];
  const extraActions: string[] = [];
  if (idleInTx > 0) {
    evidence.push(`${idleInTx} sessions are idle in a transaction: they hold a connection (and their locks) while doing nothing`);
    extraActions.push(
      "SELECT pid, usename, application_name, now() - xact_start AS open_for, left(query, 80) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' ORDER BY xact_start;",
    );
  }
  outcome.status = 'fail';
  outcome.findings = [
    raise('connection_pool_exhaustion', {
      severity: 'P2',
      summary: `database connections at ${Math.round(saturation * 100)} % of the usable slots (${used}/${usable}) on ${session.server}`,
      evidence,
      extraActions,
    }),
  ];
  return outcome;
};
