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
export function ipAddrHash(address: string, family: number = isIP(address)): number {
  const bytes: number[] = [];
  if (family === 4) bytes.push(...address.split('.').map(Number));
  else if (family === 6) {
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

/** blackbox's help texts; each family's two header lines are built once, at import */
const HELP = {
  probe_dns_lookup_time_seconds: 'Returns the time taken for probe dns lookup in seconds',
  probe_duration_seconds: 'Returns how long the probe took to complete in seconds',
  probe_failed_due_to_regex: 'Indicates if probe failed due to regex',
  probe_http_content_length: 'Length of http content response',
  probe_http_duration_seconds: 'Duration of http request by phase, summed over all redirects',
  probe_http_redirects: 'The number of redirects',
  probe_http_ssl: 'Indicates if SSL was used for the final redirect',
  probe_http_status_code: 'Response HTTP status code',
  probe_http_uncompressed_body_length: 'Length of uncompressed response body',
  probe_http_version: 'Returns the version of HTTP of the probe response',
  probe_ip_addr_hash: "Specifies the hash of IP address. It's useful to detect if the IP address changes.",
  probe_ip_protocol: 'Specifies whether probe ip protocol is IP4 or IP6',
  probe_ssl_earliest_cert_expiry: 'Returns last SSL chain expiry in unixtime',
  probe_ssl_last_chain_expiry_timestamp_seconds: 'Returns last SSL chain expiry in timestamp',
  probe_ssl_last_chain_info: 'Contains SSL leaf certificate information',
  probe_success: 'Displays whether or not the probe was a success',
  probe_tls_version_info: 'Returns the TLS version used or NaN when unknown',
} as const;
type Family = keyof typeof HELP;
const HEADER = Object.fromEntries(Object.entries(HELP).map(([name, help]) => [name, `# HELP ${name} ${help}\n# TYPE ${name} gauge\n`])) as Record<
  Family,
  string
>;
/** the phase lines' prefixes, in blackbox's (alphabetical) order */
const PHASE_LINES = [...HTTP_PHASES].sort().map((phase) => ({ phase, prefix: `probe_http_duration_seconds{phase="${phase}"} ` }));

const single = (name: Family, value: number): string => `${HEADER[name]}${name} ${value}\n`;
const labelled = (name: Family, labels: Record<string, string>, value: number): string =>
  `${HEADER[name]}${name}{${Object.entries(labels)
    .map(([key, text]) => `${key}="${escapeLabel(text)}"`)
    .join(',')}} ${value}\n`;

export function blackboxFamilies(r: BlackboxReading): string {
  const answered = r.statusCode !== null;
  const address = r.connection?.address ?? '';
  const family = isIP(address);
  const tls = r.connection?.tls;
  let phases = HEADER.probe_http_duration_seconds;
  for (const { phase, prefix } of PHASE_LINES) phases += `${prefix}${(r.phases?.[phase] ?? 0) / 1000}\n`;
  let text =
    single('probe_dns_lookup_time_seconds', (r.phases?.resolve ?? 0) / 1000) +
    single('probe_duration_seconds', r.durationMs / 1000) +
    // no fail_if_body_matches_regexp in these modules: never fails for a regex
    single('probe_failed_due_to_regex', 0) +
    single('probe_http_content_length', answered ? (r.contentLength ?? -1) : 0) +
    phases +
    // redirects are not followed: a 3xx is the answer, as with blackbox's no_follow_redirects
    single('probe_http_redirects', 0) +
    single('probe_http_ssl', answered && r.https ? 1 : 0) +
    single('probe_http_status_code', r.statusCode ?? 0) +
    single('probe_http_uncompressed_body_length', answered ? r.bodyBytes : 0) +
    // the client speaks HTTP/1.1 only
    single('probe_http_version', answered ? 1.1 : 0) +
    single('probe_ip_addr_hash', family ? ipAddrHash(address, family) : 0) +
    single('probe_ip_protocol', family);
  if (tls) {
    text += single('probe_ssl_earliest_cert_expiry', tls.earliestExpiry);
    if (tls.lastChainExpiry !== null) text += single('probe_ssl_last_chain_expiry_timestamp_seconds', tls.lastChainExpiry);
    const { fingerprintSha256, issuer, subject, subjectAlternative } = tls.leaf;
    text += labelled(
      'probe_ssl_last_chain_info',
      { fingerprint_sha256: fingerprintSha256, issuer, subject, subjectalternative: subjectAlternative },
      1,
    );
  }
  text += single('probe_success', r.success ? 1 : 0);
  if (tls) text += labelled('probe_tls_version_info', { version: tls.version }, 1);
  return text;
}
