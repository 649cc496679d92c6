/**
 * The one table of stable error codes. Codes are part of the contract (JSON output, logs, exit paths):
 * add codes, never rename them. Each says where the problem came from and what kind it is.
 */
export const ERROR_CODES = {
  // usage and configuration (exit 2)
  RP_ERR_USAGE: 'bad command-line usage',
  RP_ERR_CONFIG_INVALID: 'configuration is invalid',
  RP_ERR_CONFIG_READ: 'configuration file could not be read',
  RP_ERR_CONFIG_YAML: 'configuration file is not valid YAML (syntax, duplicate key, unresolved alias, alias bomb)',
  RP_ERR_CONFIG_NOT_FILE: 'configuration path is not a regular file (a directory, FIFO or device)',
  RP_ERR_CONFIG_TOO_LARGE: 'configuration file is larger than the size bound',
  RP_ERR_REPORT_PATH: 'a report file (--junit, --summary) cannot be written: checked before the run',
  RP_ERR_REPORT_WRITE: 'a report file could not be written after the run; the verdict stands',
  RP_ERR_UNKNOWN_SCENARIO: 'no scenario by that name',
  RP_ERR_LOAD_CAP: 'load options exceed a guardrail cap',
  RP_ERR_LOAD_HOST_NOT_ALLOWED: 'load target host is not allowed',
  RP_ERR_SHARD_INVALID: 'a shard result is not a sharded load result (no shard id or no histogram) or cannot be read',
  RP_ERR_SHARD_MIXED: 'shard results of different runs, shard counts or settings cannot be merged',
  RP_ERR_SHARD_MISSING: 'a shard of the run is missing from the merge',
  RP_ERR_SHARD_DUPLICATE: 'the same shard index appears twice in the merge',
  RP_ERR_SHARD_POST: 'a shard could not post its result to the daemon (--post-to); exit 3',
  // runner
  RP_ERR_PROBE_TIMEOUT: 'probe did not finish within its timeout',
  RP_ERR_PROBE_ABORTED: 'probe was aborted (shutdown or run cancelled)',
  RP_ERR_PROBE_CRASHED: 'probe threw instead of returning a result',
  RP_ERR_PROBE_KIND_MISSING: 'no probe kind by that name in this build',
  // HTTP
  RP_ERR_CONN_REFUSED: 'connection refused',
  RP_ERR_DNS: 'host name could not be resolved',
  RP_ERR_TLS: 'TLS handshake or certificate failure',
  RP_ERR_CONNECT_TIMEOUT: 'connection was not established in time',
  RP_ERR_RESPONSE_TIMEOUT: 'response did not arrive in time',
  RP_ERR_CONN_RESET: 'connection reset or closed mid-response',
  RP_ERR_BODY_TOO_LARGE: 'response body exceeded the size cap',
  RP_ERR_INVALID_JSON: 'response body is not valid JSON',
  RP_ERR_UNEXPECTED_STATUS: 'response status is not the expected one',
  RP_ERR_ASSERTION_FAILED: 'a response assertion failed',
  RP_ERR_LATENCY_BUDGET: 'response arrived later than the latency budget',
  RP_ERR_HTTP: 'other HTTP client error',
  // load
  RP_ERR_LOAD_ABORTED: 'load run aborted early because the error rate was too high',
  RP_ERR_LOAD_FAILED: 'load generator failed',
  RP_ERR_THRESHOLD_NO_SAMPLES: 'threshold saw no samples',
  // PostgreSQL
  RP_ERR_DB_REFUSED: 'database connection refused',
  RP_ERR_DB_DNS: 'database host name could not be resolved',
  RP_ERR_DB_TIMEOUT: 'database did not answer in time',
  RP_ERR_DB_AUTH: 'database password authentication failed',
  RP_ERR_DB_HBA: 'database rejected the connection (pg_hba.conf)',
  RP_ERR_DB_NOT_FOUND: 'database does not exist',
  RP_ERR_DB_TOO_MANY_CONNECTIONS: 'database has too many connections',
  RP_ERR_DB_SSL: 'database SSL negotiation failed or is required',
  RP_ERR_DB_CONNECTION_LOST: 'database connection was lost mid-session (server stopped or restarted)',
  RP_ERR_DB_QUERY: 'database query failed',
  RP_ERR_DB_EXTENSION_MISSING: 'pg_stat_statements is not available',
  // external dependencies
  RP_ERR_EXT_UNAVAILABLE: 'provider answered with a server error',
  RP_ERR_EXT_RATE_LIMITED: 'provider is rate limiting us',
  RP_ERR_EXT_AUTH: 'provider rejected our credentials',
  RP_ERR_EXT_CIRCUIT_OPEN: 'dependency circuit is open; probe skipped to avoid hammering it',
  // Prometheus
  RP_ERR_PROM_QUERY: 'Prometheus query failed',
  RP_ERR_PROM_UNREACHABLE: 'Prometheus could not be reached',
  // Kubernetes
  RP_ERR_K8S_CONFIG: 'no usable Kubernetes configuration',
  RP_ERR_K8S_API: 'Kubernetes API request failed',
  RP_ERR_K8S_FORBIDDEN: 'Kubernetes API refused the request (RBAC)',
  // incidents and notification
  RP_ERR_STATE_CORRUPT: 'incident state file could not be read',
  RP_ERR_STATE_WRITE: 'incident state could not be written (read-only or full state directory); paging continues from memory',
  RP_ERR_STATE_LOCKED: 'another radar-probe daemon holds the state directory lock',
  RP_ERR_STATE_STORE:
    'incidents.store is kubernetes but the state ConfigMap cannot be reached at start-up (no in-cluster service account or kubeconfig, or the read was refused)',
  RP_ERR_NOTIFY_FAILED: 'notification delivery failed',
  RP_ERR_NOTIFY_DEAD: 'notification gave up after its retry budget; kept in the dead-letter list',
  RP_ERR_API_REQUEST: 'API request (incidents, history, badges) is invalid, unauthorized or names no incident or probe',
  // status history
  RP_ERR_HISTORY_OPEN:
    'status history cannot be opened (directory not writable, newer schema), or its file was found damaged (at open or in use) and moved aside',
  RP_ERR_HISTORY_WRITE: 'status history could not be written or pruned; probing goes on, the history misses those moments',
  // anything else
  RP_ERR_INTERNAL: 'internal error',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

/** An error that knows its stable code; thrown only inside a layer, turned into a result at its edge. */
export class ProbeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProbeError';
    this.code = code;
  }
  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/** Usage or configuration problems: the CLI maps these to exit code 2. */
export class UsageError extends ProbeError {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'UsageError';
  }
}

export function isProbeError(err: unknown): err is ProbeError {
  return err instanceof ProbeError;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
