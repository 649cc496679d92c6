/**
 * The PostgreSQL probe kind: one read-only session per run, then one of the runbook's database checks. Nothing
 * here ever prints the DSN; an empty `database.url` means the database is not ours to check, so the probe is skipped.
 */
import type { MetricRecord } from '../../src/model/types.js';
import type { DbCheck } from './check.js';
import { scrubSecrets } from './classify.js';
import { connectCheck } from './connect.js';
import { failureOutcome } from './failure.js';
import { longQueriesCheck } from './long-queries.js';
import { poolCheck } from './pool.js';
import { round, sessionSeries } from './series.js';
import { DbFailure, withSession } from './session.js';
import { statementsCheck } from './statements.js';
import { skipped, type ProbeKind, type ProbeOutcome } from '../types.js';
import { databaseSettings, type DatabaseSettings } from './settings.js';

import { postgresParams, type PostgresCheck, type PostgresProbeParams } from './params.js';

export { POSTGRES_CHECKS, postgresParams, type PostgresCheck, type PostgresProbeParams } from './params.js';

const CHECKS: Record<PostgresCheck, DbCheck> = {
  connect: connectCheck,
  'long-queries': longQueriesCheck,
  statements: statementsCheck,
  pool: poolCheck,
};

export const postgresProbe: ProbeKind<PostgresProbeParams, DatabaseSettings> = {
  name: 'postgres',
  params: postgresParams,
  settings: databaseSettings,
  async run(params, ctx): Promise<ProbeOutcome> {
    const db = ctx.settings;
    const checkName = params.check;
    const check = CHECKS[checkName];
    if (!db.url.trim()) return skipped('DATABASE_URL is not set (database.url); database checks skipped');
    try {
      return await withSession(ctx, db, async (session) => {
        const outcome = await check(session, { ctx, db, raise: ctx.raise });
        const metrics: MetricRecord = { up: 1, connectMs: round(session.connectMs), ...outcome.metrics };
        const data = { kind: 'postgres', check: checkName, up: true, connectMs: round(session.connectMs) } as const;
        return { ...outcome, metrics, data, series: [...sessionSeries(true, session.connectMs), ...(outcome.series ?? [])] };
      });
    } catch (err) {
      if (err instanceof DbFailure) {
        const data = { kind: 'postgres', check: checkName, up: false, connectMs: err.connectMs === null ? null : round(err.connectMs) } as const;
        return { ...failureOutcome(ctx.raise, err.info, err.server, err.connectMs), data };
      }
      // A bug in a check must still come back as a result, and without anything secret in it.
      const message = scrubSecrets(err instanceof Error ? err.message : String(err), db.url, ctx.redact);
      return { status: 'error', error: { code: 'RP_ERR_INTERNAL', message } };
    }
  },
};
