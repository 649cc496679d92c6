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

export function createRedactor(secrets: readonly string[]): Redactor {
  return (text: string): string => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    if (!MAY_HOLD_CREDENTIAL.test(out)) return out;
    for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };
}

/**
 * Deep-redacts every string in a JSON-like value (reports, log objects). Arrays and plain objects in which nothing
 * changed come back as they were, not copied: every probe result passes through here, and with no secret in it the
 * copy was most of the daemon's garbage per probe.
 */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const done = redactDeep(item, redact);
      if (copy === null && done !== item) copy = value.slice(0, i);
      copy?.push(done);
    }
    return (copy ?? value) as T;
  }
  if (value !== null && typeof value === 'object') {
    const proto: unknown = Object.getPrototypeOf(value);
    const plain = proto === Object.prototype || proto === null;
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    // entries are built only once something changed (or to turn a class instance into a plain object)
    let entries: [string, unknown][] | null = plain ? null : [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const done = redactDeep(record[key], redact);
      if (entries === null && done !== record[key]) entries = keys.slice(0, i).map((k) => [k, record[k]]);
      entries?.push([key, done]);
    }
    return entries === null ? value : (Object.fromEntries(entries) as T);
  }
  return value;
}
