/**
 * The server certificate, judged as an SRE would: a certificate of the chain expiring within the endpoint's
 * `tls.expiryWarningDays` is a P3 (someone must renew it within days, nothing fails yet); an expired or untrusted one
 * fails every verifying client: P1, the decision. The requests it fails are marked on their samples
 * (`certificateRejected`), so diagnosis reads no outage or error rate from them: the service answers the handshake,
 * the fix is a renewal, not a restart. Plus the gauges blackbox_exporter names, for dashboards and alert rules.
 */
import type { MetricSample } from '../../src/model/types.js';
import type { Finding } from '../../src/model/types.js';
import type { TlsFacts } from '../../src/model/results.js';
import type { FindingBuilder } from '../../src/runbook/finding.js';

const DAY_S = 86_400;

const isoDate = (unixS: number): string => new Date(unixS * 1000).toISOString();

/** blackbox_exporter's families for what the handshake showed (the `probe` label is added by the exporter). */
export function certificateSeries(tls: TlsFacts): MetricSample[] {
  return [
    {
      name: 'probe_ssl_earliest_cert_expiry',
      help: 'Earliest expiry of the certificates the server presented, in unix seconds',
      value: tls.earliestExpiry,
    },
    {
      name: 'probe_tls_version_info',
      help: 'The TLS version the connection used (1 for the version label)',
      value: 1,
      labels: { version: tls.version },
    },
  ];
}

const daysLeftOf = (tls: TlsFacts, nowMs: number): number => (tls.earliestExpiry - nowMs / 1000) / DAY_S;

const hasExpired = (tls: TlsFacts, nowMs: number): boolean => daysLeftOf(tls, nowMs) <= 0 || tls.authorizationError === 'CERT_HAS_EXPIRED';

/** Verifying clients refuse this certificate: expired, or its chain did not verify. */
export function certificateRejected(tls: TlsFacts, nowMs = Date.now()): boolean {
  return hasExpired(tls, nowMs) || !tls.authorized;
}

/** null while the certificate is trusted and further than the warning from its expiry. */
export function certificateFinding(url: URL, tls: TlsFacts, warningDays: number, raise: FindingBuilder, nowMs = Date.now()): Finding | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || '443';
  const daysLeft = daysLeftOf(tls, nowMs);
  const evidence = [
    `earliest expiry in the chain: ${isoDate(tls.earliestExpiry)} (${daysLeft.toFixed(1)} days from now)`,
    `leaf: subject ${tls.leaf.subject || '(none)'}, issuer ${tls.leaf.issuer || '(none)'}, names ${tls.leaf.subjectAlternative || '(none)'}`,
    `sha256 fingerprint ${tls.leaf.fingerprintSha256}; ${tls.version}`,
  ];
  const vars = { host, port };
  if (certificateRejected(tls, nowMs)) {
    const why = hasExpired(tls, nowMs)
      ? `expired on ${isoDate(tls.earliestExpiry)}`
      : `is not trusted (${tls.authorizationError ?? 'verification failed'})`;
    return raise('tls_certificate_expiring', {
      severity: 'P1',
      summary: `the TLS certificate of ${host}:${port} ${why}: every client that verifies certificates fails`,
      evidence,
      vars,
    });
  }
  if (daysLeft >= warningDays) return null;
  return raise('tls_certificate_expiring', {
    severity: 'P3',
    summary: `the TLS certificate of ${host}:${port} expires in ${daysLeft.toFixed(1)} days (${isoDate(tls.earliestExpiry)}), within the ${warningDays}-day warning`,
    evidence,
    vars,
  });
}
