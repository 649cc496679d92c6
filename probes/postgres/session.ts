/**
 * One short-lived, read-only pg session per check. Every await races the probe's deadline: when it fires the socket is
 * destroyed, so a database that accepts and never answers cannot hold a run past its timeout.
 */
import { deadline } from '../../src/support/abort.js';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { QueryResultRow } from 'pg';
import type { DatabaseConfig } from './settings.js';
import type { ProbeContext } from '../types.js';
import { classifyAbort, classifyDbError, type DbFailureInfo, type SessionPhase } from './classify.js';

export const APPLICATION_NAME = 'radar-probe';
/** Leading comment on every statement we send, so pg_stat_statements results can leave our own queries out. */
export const OWN_QUERY_TAG = '/* radar-probe */';
const CLOSE_GRACE_MS = 250;

export class DbFailure extends Error {
  constructor(
    readonly info: DbFailureInfo,
    /** host:port/database when known, and the connect time when the session had opened */
    readonly server = '',
    readonly connectMs: number | null = null,
  ) {
    super(info.message);
    this.name = 'DbFailure';
  }
}

export interface PgSession {
  readonly connectMs: number;
  /** host:port/database, for evidence; never the user or password */
  readonly server: string;
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
}

/** Forces our application_name even when the URL sets another, so DBAs can always recognise (and exclude) the probe. */
function withApplicationName(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.searchParams.set('application_name', APPLICATION_NAME);
    return parsed.toString();
  } catch {
    return url; // unusual forms (socket paths) go to pg untouched; the config option below still applies
  }
}

function settle<T>(work: Promise<T>, signal: AbortSignal, phase: SessionPhase, started: number): Promise<T> {
  work.catch(() => undefined); // the loser of the race must not become an unhandled rejection
  if (signal.aborted) return Promise.reject(new DbFailure(classifyAbort(signal.reason, phase, performance.now() - started)));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DbFailure(classifyAbort(signal.reason, phase, performance.now() - started)));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export async function withSession<T>(ctx: ProbeContext, db: DatabaseConfig, use: (session: PgSession) => Promise<T>): Promise<T> {
  const begun = performance.now();
  // Our own deadline as well as the caller's: the probe must end on time even if nobody aborts it.
  const own = deadline(ctx.signal, ctx.timeoutMs);
  const signal = own.signal;
  if (signal.aborted) {
    own.dispose();
    throw new DbFailure(classifyAbort(signal.reason, 'connect', 0));
  }
  if (!/^postgres(?:ql)?:\/\//i.test(db.url.trim())) {
    const message = 'database.url must be a postgres:// or postgresql:// URL';
    throw new DbFailure({ code: 'RP_ERR_CONFIG_INVALID', phase: 'connect', message });
  }
  // pg costs ~10 MB resident: a daemon without a database.url never loads it
  const { default: driver } = await import('pg');
  let client: pg.Client;
  try {
    client = new driver.Client({
      connectionString: withApplicationName(db.url.trim()),
      application_name: APPLICATION_NAME,
      connectionTimeoutMillis: Math.max(1, Math.min(ctx.timeoutMs, db.timeout)),
    });
  } catch (err) {
    const { message } = classifyDbError(err, 'connect', db.url, ctx.redact);
    throw new DbFailure({ code: 'RP_ERR_CONFIG_INVALID', phase: 'connect', message: `database.url is not a valid connection URL: ${message}` });
  }
  // A socket error while no query is pending is emitted here; without a listener it would crash the process.
  client.on('error', () => undefined);
  const destroy = (): void => void client.connection.stream.destroy();
  signal.addEventListener('abort', destroy, { once: true });
  const server = `${client.host || 'localhost'}:${client.port}/${client.database ?? ''}`;
  let connectMs: number | null = null;
  const fail = (err: unknown, phase: SessionPhase): DbFailure =>
    new DbFailure(err instanceof DbFailure ? err.info : classifyDbError(err, phase, db.url, ctx.redact), server, connectMs);
  try {
    try {
      await settle(client.connect(), signal, 'connect', begun);
      connectMs = performance.now() - begun;
      const statementTimeout = Math.max(1, db.statementTimeout > 0 ? Math.min(db.statementTimeout, ctx.timeoutMs) : ctx.timeoutMs);
      await settle(
        client.query(
          `${OWN_QUERY_TAG} SET statement_timeout = ${Math.round(statementTimeout)}; SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY`,
        ),
        signal,
        'connect',
        begun,
      );
    } catch (err) {
      throw fail(err, 'connect');
    }
    const session: PgSession = {
      connectMs: connectMs ?? 0,
      server,
      async query<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
        const started = performance.now();
        try {
          const result = await settle(client.query<R>(`${OWN_QUERY_TAG} ${text}`, values), signal, 'query', started);
          return result.rows;
        } catch (err) {
          throw fail(err, 'query');
        }
      },
    };
    return await use(session);
  } finally {
    own.dispose();
    signal.removeEventListener('abort', destroy);
    const left = ctx.timeoutMs - (performance.now() - begun);
    await closeQuietly(client, Math.max(0, Math.min(CLOSE_GRACE_MS, left)));
  }
}

/** A polite Terminate, but never waiting on a server that does not answer, nor past the probe's deadline. */
async function closeQuietly(client: pg.Client, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  await Promise.race([client.end().catch(() => undefined), grace]);
  clearTimeout(timer);
  client.connection.stream.destroy();
}
