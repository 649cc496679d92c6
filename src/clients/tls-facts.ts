/**
 * What a TLS handshake showed about the server's certificates, read off the socket the way blackbox_exporter reads
 * Go's connection state: the TLS version, the earliest expiry over the chain the server presented, the leaf's names
 * and fingerprint, and whether the chain verified (and if not, why). Read also from a handshake that failed
 * verification, so an expired certificate is reported with its date rather than only as "a TLS error".
 */
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { TlsFacts } from '../model/results.js';

export type { TlsFacts };

/** `TLSv1.3` → `TLS 1.3`, `TLSv1` → `TLS 1.0`, as Go names them. */
export function tlsVersionName(protocol: string | null): string {
  const match = /^TLSv(\d)(?:\.(\d))?$/.exec(protocol ?? '');
  return match ? `TLS ${match[1]}.${match[2] ?? '0'}` : (protocol ?? 'unknown');
}

/** Go's pkix.Name.String(): the attributes in reverse order, comma-separated (`CN=api,O=Example,C=US`). */
function distinguishedName(name: Record<string, string | string[]> | undefined): string {
  if (!name) return '';
  const parts = Object.entries(name).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${key}=${v}`));
  return parts.reverse().join(',');
}

/** blackbox lists the DNS names only, comma-separated. */
function dnsNames(subjectaltname: string | undefined): string {
  return (subjectaltname ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4))
    .join(',');
}

/** The leaf, then each issuer the server sent, once each (a self-signed certificate is its own issuer). */
function chainOf(leaf: PeerCertificate & { issuerCertificate?: PeerCertificate }): PeerCertificate[] {
  const chain: PeerCertificate[] = [];
  const seen = new Set<string>();
  let cert: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = leaf;
  while (cert && cert.fingerprint256 && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(cert);
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** null when the socket holds no peer certificate (plain TCP, or the handshake ended before one arrived). */
export function tlsFactsOf(socket: TLSSocket): TlsFacts | null {
  const leaf = socket.getPeerCertificate(true);
  if (!leaf || !leaf.valid_to) return null;
  const expiries = chainOf(leaf)
    .map((cert) => Date.parse(cert.valid_to) / 1000)
    .filter(Number.isFinite);
  const earliestExpiry = Math.min(...expiries);
  return {
    version: tlsVersionName(socket.getProtocol()),
    earliestExpiry,
    lastChainExpiry: socket.authorized ? earliestExpiry : null,
    leaf: {
      subject: distinguishedName(leaf.subject as unknown as Record<string, string | string[]>),
      issuer: distinguishedName(leaf.issuer as unknown as Record<string, string | string[]>),
      subjectAlternative: dnsNames(leaf.subjectaltname),
      fingerprintSha256: leaf.fingerprint256.replace(/:/g, '').toLowerCase(),
    },
    authorized: socket.authorized,
    ...(socket.authorized ? {} : { authorizationError: String(socket.authorizationError) }),
  };
}

/** The error a verifying client raises for a chain that did not verify, with OpenSSL's reason as its code. */
export function verificationError(facts: TlsFacts): Error {
  const reason = facts.authorizationError ?? 'UNABLE_TO_VERIFY';
  return Object.assign(new Error(`TLS certificate verification failed: ${reason}`), { code: reason });
}
