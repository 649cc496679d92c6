const REDACTED = '[REDACTED]';
const URL_PASSWORD_RE = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@/\s]+)(@)/gi;

export type Redactor = (text: string) => string;

export function createRedactor(secrets: readonly string[]): Redactor {
  return (text: string): string => {
    let out = text.replace(URL_PASSWORD_RE, `$1${REDACTED}$3`);
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
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
