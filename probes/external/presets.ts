/** Turns `dependency: openai | github | <name>` into the one request that tells whether that provider is usable. */
import type { ExternalSettings } from './settings.js';

/** the part of the configuration a dependency is resolved from */
type ExternalInput = { readonly external: ExternalSettings };

export type DependencyKind = 'openai' | 'github' | 'other';

export interface DependencyTarget {
  name: string;
  kind: DependencyKind;
  /** human name used in summaries: "OpenAI answering 503" */
  label: string;
  url: URL;
  headers: Record<string, string>;
  /** whether a credential is sent; the credential itself never leaves this object */
  authenticated: boolean;
  timeoutMs: number;
  /** every credential this request carries, also without its scheme ("Bearer X" → "X"), for scrubbing echoes */
  secrets: string[];
}

export type Resolved = { ok: true; target: DependencyTarget } | { ok: false; skip: string } | { ok: false; invalid: string };

const USER_AGENT = 'radar-probe';

function joinUrl(base: string, path: string): URL | null {
  try {
    const url = new URL(`${base.replace(/\/+$/, '')}${path}`);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function bearer(secret: string): Record<string, string> {
  return secret ? { authorization: `Bearer ${secret}` } : {};
}

function credentialsIn(headers: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'user-agent' || name === 'accept' || name === 'x-github-api-version' || value.length < 4) continue;
    found.push(value);
    const bare = /^(?:bearer|token|basic)\s+(\S{4,})$/i.exec(value)?.[1];
    if (bare) found.push(bare);
  }
  return found.sort((a, b) => b.length - a.length);
}

export function knownDependencies(config: ExternalInput): string[] {
  return ['openai', 'github', ...config.external.others.map((o) => o.name)];
}

export function resolveDependency(config: ExternalInput, dependency: string): Resolved {
  const ext = config.external;
  let base: { url: string; enabled: boolean; timeout: number };
  let draft: Omit<DependencyTarget, 'url' | 'timeoutMs' | 'secrets'> & { path: string };
  if (dependency === 'openai') {
    base = ext.openai;
    draft = {
      name: 'openai',
      kind: 'openai',
      label: 'OpenAI',
      path: '/models',
      headers: { 'user-agent': USER_AGENT, ...bearer(ext.openai.apiKey) },
      authenticated: !!ext.openai.apiKey,
    };
  } else if (dependency === 'github') {
    base = ext.github;
    draft = {
      name: 'github',
      kind: 'github',
      label: 'GitHub',
      // /rate_limit does not count against the rate limit, so probing it never spends the application's quota.
      path: '/rate_limit',
      headers: { 'user-agent': USER_AGENT, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', ...bearer(ext.github.token) },
      authenticated: !!ext.github.token,
    };
  } else {
    const other = ext.others.find((o) => o.name === dependency);
    if (!other) return { ok: false, invalid: `no external dependency named "${dependency}" (known: ${knownDependencies(config).join(', ')})` };
    base = other;
    const authenticated = Object.keys(other.headers).some((h) => /authorization|token|key/i.test(h));
    draft = { name: other.name, kind: 'other', label: other.name, path: '', headers: { 'user-agent': USER_AGENT, ...other.headers }, authenticated };
  }
  if (!base.enabled) return { ok: false, skip: `external.${dependency} is disabled (enabled: false)` };
  if (!base.url.trim()) return { ok: false, skip: `external.${dependency}.url is empty; ${draft.label} is not probed` };
  const url = joinUrl(base.url.trim(), draft.path);
  if (!url) return { ok: false, invalid: `external.${dependency}.url is not an http(s) URL` };
  const { path: _path, ...rest } = draft;
  return { ok: true, target: { ...rest, url, timeoutMs: base.timeout, secrets: credentialsIn(draft.headers) } };
}
