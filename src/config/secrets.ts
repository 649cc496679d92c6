/** Every secret a configuration holds, so the redactor can scrub any text of them, wherever it came from. */
import type { Config } from './schema.js';
import { controlTokens } from './sections/incidents.js';

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
