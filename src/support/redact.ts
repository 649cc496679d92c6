const REDACTED = '[REDACTED]';
const URL_PASSWORD_RE = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@/\s]+)(@)/gi;

/**
 * Credential-bearing parts of any URL or header, whether or not the config names them: a sink's error body can
 * echo a URL we never saw whole. Each pattern keeps what identifies the thing and replaces what grants access.
 */
const CREDENTIAL_PATTERNS: readonly [RegExp, string][] = [
  [URL_PASSWORD_RE, `$1${REDACTED}$3`],
  // a token used as the whole userinfo: https://<token>@host (a database user name alone is no secret)
  [/(\bhttps?:\/\/)([^:/?#\s@"'<>]{4,})@/gi, `$1${REDACTED}@`],
  // Slack incoming webhooks: /services/T…/B…/<secret> (the whole path is the credential)
  [/(\/services\/)[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+/g, `$1${REDACTED}`],
  // Discord (and compatible) webhooks: /api/webhooks/<id>/<token>
  [/(\/api\/webhooks\/[0-9A-Za-z_-]+\/)[A-Za-z0-9_.-]+/g, `$1${REDACTED}`],
  // query parameters that carry credentials: ?token=… &key=… &routing_key=…
  [
    /([?&;](?:token|access_token|auth_token|private_token|api[_-]?key|apikey|key|routing_key|integration_key|secret|client_secret|password|passwd|pwd|sig|signature|auth)=)[^&\s"'#<>]+/gi,
    `$1${REDACTED}`,
  ],
  // the same names as JSON fields in an echoed request body
  [
    /("(?:routing_key|routingKey|integration_key|token|access_token|api_key|apiKey|secret|password|authorization)"\s*:\s*")(?:[^"\\]|\\.)+(")/gi,
    `$1${REDACTED}$2`,
  ],
  // echoed request headers
  [
    /\b((?:proxy-)?authorization|x-api-key|api-key|x-auth-token|x-routing-key)(["']?\s*[:=]\s*["']?)(?:(?:Bearer|Basic|Token|Digest)\s+)?[^\s"',;]+/gi,
    `$1$2${REDACTED}`,
  ],
];

export type Redactor = (text: string) => string;

/** Every credential pattern needs one of these characters: a text without any (a name, a status) skips them all. */
const MAY_HOLD_CREDENTIAL = /[:=/]/;

/**
 * Texts the credential patterns already ran over, by redactor: every probe result repeats its endpoint's path (a `/`,
 * often a `=`), and seven regular expressions over it on every run were a good part of redacting a result. Short texts
 * only, and a bounded number: a cache, not a record of everything seen.
 */
const CACHED_UP_TO_CHARS = 512;
const CACHED_TEXTS = 4096;

export function createRedactor(secrets: readonly string[]): Redactor {
  const seen = new Map<string, string>();
  return (text: string): string => {
    let out = text;
    // indexed: an iterator per text redacted was most of what redacting a clean result allocated
    for (let i = 0; i < secrets.length; i++) if (out.includes(secrets[i])) out = out.split(secrets[i]).join(REDACTED);
    if (!MAY_HOLD_CREDENTIAL.test(out)) return out;
    const cacheable = text.length <= CACHED_UP_TO_CHARS;
    const known = cacheable ? seen.get(text) : undefined;
    if (known !== undefined) return known;
    for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
    if (cacheable) {
      if (seen.size >= CACHED_TEXTS) seen.clear();
      seen.set(text, out);
    }
    return out;
  };
}

/**
 * Deep-redacts every string in a JSON-like value (reports, log objects). Arrays and plain objects in which nothing
 * changed come back as they were, not copied: every probe result passes through here, and with no secret in it the
 * copy was most of the daemon's garbage per probe. Numbers and booleans (most of a result: its per-sample arrays) are
 * not walked into, and an unchanged plain object is read without listing its keys: no allocation at all then.
 */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return redactArray(value, redact) as T;
  const proto: unknown = Object.getPrototypeOf(value);
  const record = value as Record<string, unknown>;
  if (proto !== Object.prototype && proto !== null) return copyRedacted(record, redact) as T;
  for (const key in record) {
    const item = record[key];
    // the first change makes a copy, from the start: changes are rare (a secret in a result), unchanged objects common
    if (mayChange(item) && redactDeep(item, redact) !== item) return copyRedacted(record, redact) as T;
  }
  return value;
}

/** only strings are redacted: anything else that is not an object or array comes back as it is */
const mayChange = (item: unknown): boolean => typeof item === 'string' || (item !== null && typeof item === 'object');

function redactArray(value: readonly unknown[], redact: Redactor): readonly unknown[] {
  let copy: unknown[] | null = null;
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const done = mayChange(item) ? redactDeep(item, redact) : item;
    if (copy === null && done !== item) copy = value.slice(0, i);
    copy?.push(done);
  }
  return copy ?? value;
}

/** a plain-object copy with every value redacted (also how a class instance comes out) */
function copyRedacted(record: Record<string, unknown>, redact: Redactor): Record<string, unknown> {
  return Object.fromEntries(Object.keys(record).map((key) => [key, redactDeep(record[key], redact)]));
}
