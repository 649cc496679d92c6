/** Turns whatever pg, net, dns or tls threw into one stable RP_ERR_DB_* code, with a message free of the DSN. */
import type { ErrorCode, ErrorInfo } from '../../src/model/errors.js';

/** Where in the session the failure happened: it decides the finding (connect → outage, query → slow database). */
export type SessionPhase = 'connect' | 'query';

export interface DbFailureInfo extends ErrorInfo {
  phase: SessionPhase;
  /** SQLSTATE when the server said it, else the socket errno; never a secret */
  sqlstate?: string;
  errno?: string;
}

const SQLSTATE_CODES: Record<string, ErrorCode> = {
  '28P01': 'RP_ERR_DB_AUTH',
  '28000': 'RP_ERR_DB_HBA',
  '3D000': 'RP_ERR_DB_NOT_FOUND',
  '53300': 'RP_ERR_DB_TOO_MANY_CONNECTIONS',
  '57014': 'RP_ERR_DB_TIMEOUT',
  '57P01': 'RP_ERR_DB_CONNECTION_LOST',
  '57P02': 'RP_ERR_DB_CONNECTION_LOST',
  // "the database system is starting up / shutting down": not accepting connections, like a refused port
  '57P03': 'RP_ERR_DB_REFUSED',
};

const ERRNO_CODES: Record<string, ErrorCode> = {
  ECONNREFUSED: 'RP_ERR_DB_REFUSED',
  ENOENT: 'RP_ERR_DB_REFUSED', // unix socket path absent: nothing listens
  ENOTFOUND: 'RP_ERR_DB_DNS',
  EAI_AGAIN: 'RP_ERR_DB_DNS',
  EAI_FAIL: 'RP_ERR_DB_DNS',
  EAI_NONAME: 'RP_ERR_DB_DNS',
  ETIMEDOUT: 'RP_ERR_DB_TIMEOUT',
  EHOSTUNREACH: 'RP_ERR_DB_TIMEOUT',
  ENETUNREACH: 'RP_ERR_DB_TIMEOUT',
  ECONNRESET: 'RP_ERR_DB_CONNECTION_LOST',
  EPIPE: 'RP_ERR_DB_CONNECTION_LOST',
};

const SQLSTATE_RE = /^[0-9A-Z]{5}$/;
const TLS_RE = /\b(SSL|TLS)\b|certificate|self[- ]signed/i;

function stringProp(err: unknown, key: string): string | undefined {
  const value = (err as Record<string, unknown> | null)?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** Removes the DSN, any connection URL and the password from a text, then applies the configured redactor. */
export function scrubSecrets(text: string, url: string, redact: (text: string) => string): string {
  let out = url ? text.split(url).join('[DATABASE_URL]') : text;
  out = out.replace(/postgres(?:ql)?:\/\/[^\s'"]+/gi, '[DATABASE_URL]');
  for (const secret of passwordForms(url)) out = out.split(secret).join('[REDACTED]');
  return redact(out);
}

function passwordForms(url: string): string[] {
  try {
    const raw = new URL(url).password;
    const forms = new Set([raw, decodeURIComponent(raw)]);
    return [...forms].filter((p) => p.length >= 3);
  } catch {
    return [];
  }
}

function codeFor(sqlstate: string | undefined, errno: string | undefined, message: string, phase: SessionPhase): ErrorCode {
  // managed servers that insist on TLS say so in a 28000; a plain pg_hba miss stays an hba problem (see hint below)
  if (sqlstate === '28000' && /SSL (connection )?(is )?required/i.test(message)) return 'RP_ERR_DB_SSL';
  if (sqlstate && SQLSTATE_CODES[sqlstate]) return SQLSTATE_CODES[sqlstate];
  if (sqlstate?.startsWith('08')) return 'RP_ERR_DB_CONNECTION_LOST';
  if (errno && ERRNO_CODES[errno]) return ERRNO_CODES[errno];
  if (errno?.startsWith('ERR_SSL') || errno?.startsWith('ERR_TLS') || TLS_RE.test(message)) return 'RP_ERR_DB_SSL';
  if (/timeout expired|connection timeout/i.test(message)) return 'RP_ERR_DB_TIMEOUT';
  // pg's own complaint when the server asks for a password and the URL has none
  if (/client password must be a string|password must be/i.test(message)) return 'RP_ERR_DB_AUTH';
  if (/connection terminated|terminating connection/i.test(message)) {
    return phase === 'connect' ? 'RP_ERR_DB_REFUSED' : 'RP_ERR_DB_CONNECTION_LOST';
  }
  return phase === 'connect' ? 'RP_ERR_DB_REFUSED' : 'RP_ERR_DB_QUERY';
}

export function classifyDbError(err: unknown, phase: SessionPhase, url: string, redact: (text: string) => string): DbFailureInfo {
  const rawCode = stringProp(err, 'code');
  const sqlstate = rawCode && SQLSTATE_RE.test(rawCode) ? rawCode : undefined;
  const errno = sqlstate ? undefined : rawCode;
  const message = err instanceof Error ? err.message : String(err);
  const code = codeFor(sqlstate, errno, message, phase);
  const tag = sqlstate ? ` (SQLSTATE ${sqlstate})` : errno ? ` [${errno}]` : '';
  const hint =
    code === 'RP_ERR_DB_HBA' && /no encryption|SSL off/i.test(message)
      ? '; the connection did not use SSL: if the server only accepts SSL, add sslmode=require to the URL'
      : '';
  const info: DbFailureInfo = { code, phase, message: scrubSecrets(`${message}${tag}${hint}`, url, redact) };
  if (sqlstate) info.sqlstate = sqlstate;
  if (errno) info.errno = errno;
  return info;
}

/** The signal fired: a shutdown stays an abort, anything else (the runner's deadline, our own) is the database not answering. */
export function classifyAbort(reason: unknown, phase: SessionPhase, waitedMs: number): DbFailureInfo {
  if (stringProp(reason, 'code') === 'RP_ERR_PROBE_ABORTED') {
    return { code: 'RP_ERR_PROBE_ABORTED', phase, message: 'database check cancelled' };
  }
  const doing = phase === 'connect' ? 'connection was not established' : 'query did not finish';
  return { code: 'RP_ERR_DB_TIMEOUT', phase, message: `${doing} within the probe timeout (${Math.round(waitedMs)} ms)` };
}
