/** Runbook Scenario 1's `psql "$DATABASE_URL" -c "SELECT 1;"`, timed. */
import { performance } from 'node:perf_hooks';
import type { ProbeOutcome } from '../types.js';
import { round } from './series.js';
import type { DbCheck } from './check.js';

interface ConnectRow {
  ok: number;
  version: string;
  in_recovery: boolean;
}

export const connectCheck: DbCheck = async (session) => {
  const started = performance.now();
  const [row] = await session.query<ConnectRow>("SELECT 1 AS ok, current_setting('server_version') AS version, pg_is_in_recovery() AS in_recovery");
  const queryMs = performance.now() - started;
  const outcome: ProbeOutcome = {
    status: 'pass',
    metrics: { queryMs: round(queryMs), serverVersion: row?.version ?? null, inRecovery: row?.in_recovery ?? null },
  };
  return outcome;
};
