/**
 * blackbox_exporter's answer for the http prober, written straight to the exposition text: every family it answers
 * for `module=http_2xx` (13, and 4 more over TLS), with its help text, labels and value semantics (prober/http.go and
 * prober/utils.go of 0.23), in its alphabetical order. One probe's answer is ~20 lines: a registry per request cost
 * more CPU than the probe's own request.
 */
import { isIP } from 'node:net';
import { HTTP_PHASES, type ConnectionFacts, type HttpPhases } from '../model/results.js';
import { escapeLabel } from '../metrics/exposition.js';

export interface BlackboxReading {
  success: boolean;
  durationMs: number;
  https: boolean;
  /** null when no response arrived */
  statusCode: number | null;
  /** the Content-Length header; null when none was sent (blackbox then reports Go's -1) */
  contentLength: number | null;
  /** body bytes read (we send no Accept-Encoding, so they are the uncompressed length) */
  bodyBytes: number;
  phases: HttpPhases | null;
  connection: ConnectionFacts | undefined;
}

/** FNV-1a (32 bit) over the address bytes, 4 for IPv4, 16 for IPv6: Go's ipHash, so the values match blackbox's. */
export function ipAddrHash(address: string): number {
  const bytes: number[] = [];
  if (isIP(address) === 4) bytes.push(...address.split('.').map(Number));
  else if (isIP(address) === 6) {
    const [head = '', tail = ''] = address.split('::');
    const groups = (part: string): string[] => (part ? part.split(':') : []);
    const missing = 8 - groups(head).length - groups(tail).length;
    const all = address.includes('::') ? [...groups(head), ...Array<string>(missing).fill('0'), ...groups(tail)] : groups(address);
    for (const group of all) bytes.push(parseInt(group, 16) >> 8, parseInt(group, 16) & 0xff);
  }
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

const family = (name: string, help: string, lines: string): string => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${lines}`;
const single = (name: string, help: string, value: number): string => family(name, help, `${name} ${value}\n`);
const labelled = (name: string, labels: Record<string, string>, value: number): string =>
  `${name}{${Object.entries(labels)
    .map(([key, text]) => `${key}="${escapeLabel(text)}"`)
    .join(',')}} ${value}\n`;

export function blackboxFamilies(r: BlackboxReading): string {
  const answered = r.statusCode !== null;
  const address = r.connection?.address ?? '';
  const tls = r.connection?.tls;
  const phases = [...HTTP_PHASES].sort().map((phase) => labelled('probe_http_duration_seconds', { phase }, (r.phases?.[phase] ?? 0) / 1000));
  const parts = [
    single('probe_dns_lookup_time_seconds', 'Returns the time taken for probe dns lookup in seconds', (r.phases?.resolve ?? 0) / 1000),
    single('probe_duration_seconds', 'Returns how long the probe took to complete in seconds', r.durationMs / 1000),
    // no fail_if_body_matches_regexp in these modules: never fails for a regex
    single('probe_failed_due_to_regex', 'Indicates if probe failed due to regex', 0),
    single('probe_http_content_length', 'Length of http content response', answered ? (r.contentLength ?? -1) : 0),
    family('probe_http_duration_seconds', 'Duration of http request by phase, summed over all redirects', phases.join('')),
    // redirects are not followed: a 3xx is the answer, as with blackbox's no_follow_redirects
    single('probe_http_redirects', 'The number of redirects', 0),
    single('probe_http_ssl', 'Indicates if SSL was used for the final redirect', answered && r.https ? 1 : 0),
    single('probe_http_status_code', 'Response HTTP status code', r.statusCode ?? 0),
    single('probe_http_uncompressed_body_length', 'Length of uncompressed response body', answered ? r.bodyBytes : 0),
    // the client speaks HTTP/1.1 only
    single('probe_http_version', 'Returns the version of HTTP of the probe response', answered ? 1.1 : 0),
    single(
      'probe_ip_addr_hash',
      "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
      address ? ipAddrHash(address) : 0,
    ),
    single('probe_ip_protocol', 'Specifies whether probe ip protocol is IP4 or IP6', isIP(address)),
  ];
  if (tls) {
    parts.push(single('probe_ssl_earliest_cert_expiry', 'Returns last SSL chain expiry in unixtime', tls.earliestExpiry));
    if (tls.lastChainExpiry !== null) {
      parts.push(single('probe_ssl_last_chain_expiry_timestamp_seconds', 'Returns last SSL chain expiry in timestamp', tls.lastChainExpiry));
    }
    const leaf = {
      fingerprint_sha256: tls.leaf.fingerprintSha256,
      issuer: tls.leaf.issuer,
      subject: tls.leaf.subject,
      subjectalternative: tls.leaf.subjectAlternative,
    };
    parts.push(family('probe_ssl_last_chain_info', 'Contains SSL leaf certificate information', labelled('probe_ssl_last_chain_info', leaf, 1)));
  }
  parts.push(single('probe_success', 'Displays whether or not the probe was a success', r.success ? 1 : 0));
  if (tls) {
    const version = labelled('probe_tls_version_info', { version: tls.version }, 1);
    parts.push(family('probe_tls_version_info', 'Returns the TLS version used or NaN when unknown', version));
  }
  return parts.join('');
}
