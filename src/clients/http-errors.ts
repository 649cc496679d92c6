/** Turns a failed HTTP exchange into a stable error code, named by the connection phase it failed in (DNS, connect, TLS…). */
import { ProbeError, type ErrorInfo } from '../model/errors.js';
import type { ConnectionPhases } from './http-agent.js';

const TLS_CODES = new Set([
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
]);

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps whatever undici, net, dns or tls threw to one stable code, keeping the original code in the message. */
export function classifyHttpError(err: unknown, phases: ConnectionPhases, signal: AbortSignal): ErrorInfo {
  // undici rejects with the abort reason itself, so look at the signal before at the error.
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof ProbeError && reason.code === 'RP_ERR_PROBE_ABORTED') return reason.toInfo();
  if (signal.aborted) {
    const connecting = phases.stage === 'resolving' || phases.stage === 'connecting';
    if (phases.dispatchedAt !== undefined && phases.assignedAt === undefined && phases.stage === 'idle') {
      // never sent: every connection of our own pool stayed busy (with this API's earlier requests) until the deadline
      return { code: 'RP_ERR_RESPONSE_TIMEOUT', message: "never sent: no connection of the probe's own pool came free before the probe timeout" };
    }
    return connecting
      ? { code: 'RP_ERR_CONNECT_TIMEOUT', message: 'connection was not established before the probe timeout' }
      : { code: 'RP_ERR_RESPONSE_TIMEOUT', message: 'no complete response before the probe timeout' };
  }
  if (err instanceof ProbeError) return err.toInfo();
  const code = codeOf(err);
  const cause = (err as { cause?: unknown } | null)?.cause;
  const causeCode = codeOf(cause);
  const message = err instanceof Error ? err.message : String(err);
  const detail = `${message}${code ? ` [${code}]` : ''}`;
  const any = (...codes: string[]): boolean => codes.includes(code ?? '') || codes.includes(causeCode ?? '');
  if (any('ECONNREFUSED')) return { code: 'RP_ERR_CONN_REFUSED', message: detail };
  if (any('ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME')) return { code: 'RP_ERR_DNS', message: detail };
  if (any('UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH')) return { code: 'RP_ERR_CONNECT_TIMEOUT', message: detail };
  if (any('UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT')) return { code: 'RP_ERR_RESPONSE_TIMEOUT', message: detail };
  if ((code && TLS_CODES.has(code)) || (causeCode && TLS_CODES.has(causeCode)) || /\b(SSL|TLS|certificate)\b/i.test(message)) {
    return { code: 'RP_ERR_TLS', message: detail };
  }
  if (any('UND_ERR_RES_EXCEEDED_MAX_SIZE')) return { code: 'RP_ERR_BODY_TOO_LARGE', message: detail };
  if (any('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'HPE_INVALID_CONSTANT', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH')) {
    return { code: 'RP_ERR_CONN_RESET', message: detail };
  }
  return { code: 'RP_ERR_HTTP', message: detail };
}
