/**
 * What each probe kind established, typed per kind (a union on `kind`). Layers above the probes (diagnosis, the
 * rolling windows, the metrics, the blackbox endpoint, the reports) read these; none decodes the public
 * `metrics`/`details` records, which each probe writes for the JSON contract from the same typed data.
 * A kind whose results nothing else reads needs no entry here.
 */
import type { LatencySummary } from './measures.js';

/** The request phases, in order; also the `phase` label of the duration gauges. */
export const HTTP_PHASES = ['resolve', 'connect', 'tls', 'processing', 'transfer'] as const;

/** a type, not an interface: the same object is also a result's `metrics.phases` (a MetricRecord) */
export type HttpPhases = {
  resolve: number;
  connect: number;
  tls: number;
  processing: number;
  transfer: number;
};

export interface HttpSample {
  /** the request's own time, from when a connection of our pool took it */
  ms: number;
  /** how long it waited for that connection: our capacity, never the API's latency (absent: not measured) */
  queueMs?: number;
  ok: boolean;
  /** the sample hit its connect or response deadline */
  timedOut: boolean;
  /** null when no response arrived */
  status: number | null;
  /**
   * Cut by our own budget or shutdown before it had its full per-request timeout: not the API's failure, so it counts
   * nowhere (not in error rates, windows or latency). A request that used its whole per-request timeout did time out.
   */
  abandoned?: boolean;
  /**
   * Failed at the handshake because the certificate was expired or untrusted (RP_ERR_TLS with the handshake's facts
   * saying so): the service answered, only verifying clients refuse it. The certificate finding explains it, so it
   * forms no error-rate, outage or endpoint symptom of its own; it still counts as a failure wherever requests are
   * counted (metrics, windows' error ratio), as clients do see it fail.
   */
  certificateRejected?: true;
}

/** What a TLS handshake showed about the server's certificates (src/clients/tls-facts.ts reads it off the socket). */
export interface TlsFacts {
  /** blackbox's spelling: `TLS 1.2`, `TLS 1.3` */
  version: string;
  /** unix seconds: the soonest notAfter over the leaf and every certificate of the chain presented */
  earliestExpiry: number;
  /** unix seconds: the soonest notAfter of the verified chain (the same chain here); null when it did not verify */
  lastChainExpiry: number | null;
  leaf: { subject: string; issuer: string; subjectAlternative: string; fingerprintSha256: string };
  authorized: boolean;
  /** OpenSSL's or Node's reason when the chain did not verify, e.g. CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID */
  authorizationError?: string;
}

/** The connection that carried a request: the address it reached and, over TLS, the handshake's facts. */
export interface ConnectionFacts {
  address: string;
  tls?: TlsFacts;
}

export interface HttpData {
  kind: 'http';
  path: string;
  method: string;
  /** the last sample's */
  statusCode: number | null;
  bytes: number;
  phases: HttpPhases | null;
  samples: HttpSample[];
  /** the last sample's Content-Length header (null: none sent, as for a chunked body) */
  contentLength?: number | null;
  /** the last sample's connection; absent when none was made */
  connection?: ConnectionFacts;
}

export interface LoadData {
  kind: 'load';
  latency: LatencySummary;
}

export interface ExternalData {
  kind: 'external';
  dependency: string;
  up: boolean;
  /** false when an open circuit answered without a request */
  probed: boolean;
  statusCode: number | null;
  latencyMs: number | null;
}

export interface PostgresData {
  kind: 'postgres';
  check: string;
  up: boolean;
  connectMs: number | null;
}

export interface KubernetesData {
  kind: 'kubernetes';
  namespace: string;
  pods: { active: number; ready: number };
  /** ready endpoint addresses of the service; null when the endpoints check did not run */
  readyEndpoints: number | null;
}

export interface PrometheusData {
  kind: 'prometheus';
  errorRate: number | null;
  p95Ms: number | null;
  requestRate: number | null;
  firingAlerts: string[] | null;
}

export type ProbeData = HttpData | LoadData | ExternalData | PostgresData | KubernetesData | PrometheusData;

/** The samples the API answered or failed: every error rate and latency reads these, never the abandoned ones. */
export function answeredSamples(data: { samples: readonly HttpSample[] } | undefined): HttpSample[] {
  return data ? data.samples.filter((s) => !s.abandoned) : [];
}

/**
 * The answered samples that reached the API past the handshake: the API's own symptoms are read off these. A
 * certificate rejection is the certificate's finding, not a failure of the service behind it.
 */
export function reachedSamples(data: { samples: readonly HttpSample[] } | undefined): HttpSample[] {
  return data ? data.samples.filter(isReached) : [];
}

export const isReached = (s: HttpSample): boolean => !s.abandoned && !s.certificateRejected;

export function httpDataOf(result: { data?: ProbeData }): HttpData | undefined {
  return result.data?.kind === 'http' ? result.data : undefined;
}
