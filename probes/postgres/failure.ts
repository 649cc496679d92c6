/**
 * A session that could not be opened or was lost is the runbook's "Database Connection Failure", except when the
 * server refused us for being full (53300): that is pool exhaustion, and restarting the API would not help.
 */
import type { FindingBuilder } from '../../src/runbook/finding.js';
import { ERROR_CODES } from '../../src/model/errors.js';
import type { Finding } from '../../src/model/types.js';
import type { ProbeOutcome } from '../types.js';
import type { DbFailureInfo } from './classify.js';
import { sessionSeries } from './series.js';

function evidenceOf(info: DbFailureInfo, server: string): string[] {
  const evidence = [`${info.code}: ${ERROR_CODES[info.code]}`, `server said: ${info.message}`];
  if (server) evidence.push(`database endpoint: ${server}`);
  return evidence;
}

function findingFor(raise: FindingBuilder, info: DbFailureInfo, server: string): Finding | null {
  const evidence = evidenceOf(info, server);
  if (info.code === 'RP_ERR_DB_TOO_MANY_CONNECTIONS') {
    return raise('connection_pool_exhaustion', {
      severity: 'P1',
      summary: 'the database refused a new connection because every slot is taken (SQLSTATE 53300): new API connections fail too',
      evidence,
      extraActions: [
        'psql as a superuser (reserved slots): SELECT usename, application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2, 3 ORDER BY 4 DESC;',
      ],
    });
  }
  if (info.phase === 'query' && info.code === 'RP_ERR_DB_TIMEOUT') {
    return raise('db_query_timeout', {
      severity: 'P2',
      summary: 'a monitoring query against the catalogue did not finish within statement_timeout: the database is answering too slowly',
      evidence,
    });
  }
  if (info.phase === 'connect' || info.code === 'RP_ERR_DB_CONNECTION_LOST') {
    return raise('db_connection_failure', {
      severity: 'P1',
      summary: `cannot use the database${server ? ` at ${server}` : ''}: ${ERROR_CODES[info.code]}`,
      evidence,
    });
  }
  return null;
}

export function failureOutcome(raise: FindingBuilder, info: DbFailureInfo, server: string, connectMs: number | null): ProbeOutcome {
  const error = { code: info.code, message: info.message };
  if (info.code === 'RP_ERR_PROBE_ABORTED' || info.code === 'RP_ERR_CONFIG_INVALID') return { status: 'error', error };
  const finding = findingFor(raise, info, server);
  const up = info.phase === 'query' && info.code !== 'RP_ERR_DB_CONNECTION_LOST';
  const metrics = { up: up ? 1 : 0, connectMs: connectMs === null ? null : Math.round(connectMs * 1000) / 1000 };
  // A query we could not run (permissions, a missing view) is our problem, not a database incident.
  if (!finding) return { status: 'error', error, metrics, series: sessionSeries(up, connectMs) };
  return { status: 'fail', error, metrics, findings: [finding], series: sessionSeries(up, connectMs) };
}
