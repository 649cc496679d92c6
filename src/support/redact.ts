import type { Config } from '../config/schema.js';
import { controlTokens } from '../config/sections/incidents.js';

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
  [/([?&;](?:token|access_token|auth_token|private_token|api[_-]?key|apikey|key|routing_key|integration_key|secret|client_secret|password|passwd|pwd|sig|signature|auth)=)[^&\s"'#<>]+/gi, `$1${REDACTED}`],
  // the same names as JSON fields in an echoed request body
  [/("(?:routing_key|routingKey|integration_key|token|access_token|api_key|apiKey|secret|password|authorization)"\s*:\s*")(?:[^"\\]|\\.)+(")/gi, `$1${REDACTED}$2`],
  // echoed request headers
  [/\b((?:proxy-)?authorization|x-api-key|api-key|x-auth-token|x-routing-key)(["']?\s*[:=]\s*["']?)(?:(?:Bearer|Basic|Token|Digest)\s+)?[^\s"',;]+/gi, `$1$2${REDACTED}`],
];

/** Collects every secret a config holds so any text can be scrubbed of them, wherever it came from. */
export function secretsOf(config: Config, env: Readonly<Record<string, string | undefined>> = {}): string[] {
  const secrets = new Set<string>();
  const add = (value: string | undefined): void => {
    if (!value || value.length < 4) return;
    secrets.add(value);
    // "Bearer X" as configured, but a server echoing just "X" must be scrubbed too
    const bare = /^(?:Bearer|Basic|Token|token)\s+(\S{4,})$/.exec(value)?.[1];
    if (bare) secrets.add(bare);
  };
  add(config.external.openai.apiKey);
  add(config.external.github.token);
  for (const dep of config.external.others) for (const value of Object.values(dep.headers)) add(value);
  for (const { token } of controlTokens(config.incidents)) add(token);
  const dbPassword = passwordOf(config.database.url);
  add(dbPassword);
  if (dbPassword) add(encodeURIComponent(dbPassword));
  for (const sink of config.notify) {
    if ('url' in sink && sink.type !== 'alertmanager') add(sink.url);
    if ('url' in sink) for (const part of urlCredentials(sink.url)) add(part);
    if ('secret' in sink) add(sink.secret);
    if ('routingKey' in sink) add(sink.routingKey);
    if ('headers' in sink) for (const value of Object.values(sink.headers)) add(value);
  }
  for (const endpoint of config.endpoints) {
    for (const [name, value] of Object.entries(endpoint.headers)) if (/authorization|token|key|cookie/i.test(name)) add(value);
  }
  for (const name of ['DATABASE_URL', 'OPENAI_API_KEY', 'GITHUB_TOKEN', 'PGPASSWORD']) {
    const value = env[name];
    if (name === 'DATABASE_URL') add(passwordOf(value ?? ''));
    else add(value);
  }
  // the forms a secret takes when a server echoes it inside JSON or a URL
  for (const secret of [...secrets]) {
    if (secret.includes('/')) secrets.add(secret.replace(/\//g, '\\/'));
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) secrets.add(encoded);
  }
  return [...secrets].sort((a, b) => b.length - a.length);
}

/** The parts of a sink URL that grant access: password, query values, long token-like path segments. */
function urlCredentials(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const parts = [decodeURIComponent(parsed.password), decodeURIComponent(parsed.username), ...parsed.searchParams.values()];
  // hooks.slack.com/services/T…/B…/<secret>, discord …/webhooks/<id>/<token>, and the like
  parts.push(...parsed.pathname.split('/').filter((segment) => segment.length >= 16 && /^[A-Za-z0-9_.~-]+$/.test(segment)));
  return parts.filter((part) => part.length >= 8);
}

function passwordOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.password ? decodeURIComponent(parsed.password) : undefined;
  } catch {
    return undefined;
  }
}

export type Redactor = (text: string) => string;

export function createRedactor(secrets: readonly string[]): Redactor {
  return (text: string): string => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
    return out;
  };
}

/** Deep-redacts every string in a JSON-like value (reports, log objects). */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redact)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)])) as T;
  }
  return value;
}
