/** Reads a provider's answer the way its documentation says to: status, rate-limit headers, error document. */
import type { ErrorInfo } from '../../src/model/errors.js';
import { parseDuration } from '../../src/model/settings/duration.js';
import { header, type Exchange } from '../../src/clients/exchange.js';
import type { DependencyTarget } from './presets.js';

export interface Verdict {
  ok: boolean;
  error?: ErrorInfo;
  rateLimited: boolean;
  /** epoch ms the provider told us to wait until (retry-after, x-ratelimit-reset); null when it did not say */
  retryAt: number | null;
  /** the provider's own words (error.message / message), already scrubbed */
  providerMessage: string | null;
}

const TOKEN_LIKE = /\b(?:sk-[A-Za-z0-9_*.-]{6,}|gh[pousr]_[A-Za-z0-9]{8,}|github_pat_[A-Za-z0-9_]{8,})/g;

/** Providers echo (masked) keys in error text, e.g. OpenAI's "Incorrect API key provided: sk-ab***cd"; keep none of it. */
export function scrub(text: string, redact: (t: string) => string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[REDACTED]');
  return redact(out)
    .replace(TOKEN_LIKE, '[REDACTED]')
    .replace(/\bBearer\s+(?!\[REDACTED\])\S+/gi, 'Bearer [REDACTED]');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function field(doc: unknown, key: string): unknown {
  return doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)[key] : undefined;
}

/** OpenAI: `{error:{message,type,code}}`; GitHub: `{message, documentation_url}`; anything else: short plain text. */
export function providerMessage(body: string): string | null {
  const doc = parseJson(body);
  const nested = field(doc, 'error');
  const message = field(nested, 'message') ?? field(doc, 'message') ?? (typeof nested === 'string' ? nested : undefined);
  if (typeof message === 'string' && message) {
    const code = field(nested, 'code') ?? field(nested, 'type');
    return `${message.slice(0, 300)}${typeof code === 'string' ? ` (${code})` : ''}`;
  }
  const text = body.trim();
  return text && !text.startsWith('<') ? text.slice(0, 200) : null;
}

/** `retry-after` (seconds or HTTP date), GitHub's `x-ratelimit-reset` (epoch s, when remaining is 0), OpenAI's reset durations. */
export function retryAtFrom(ex: Exchange, now: number): number | null {
  const retryAfter = header(ex.headers, 'retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return now + Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return date;
  }
  const reset = header(ex.headers, 'x-ratelimit-reset');
  if (header(ex.headers, 'x-ratelimit-remaining') === '0' && reset && /^\d+$/.test(reset)) return Number(reset) * 1000;
  let latest: number | null = null;
  for (const kind of ['requests', 'tokens']) {
    if (header(ex.headers, `x-ratelimit-remaining-${kind}`) !== '0') continue;
    const ms = parseDuration(header(ex.headers, `x-ratelimit-reset-${kind}`) ?? '');
    if (ms !== null) latest = Math.max(latest ?? 0, now + ms);
  }
  return latest;
}

function isRateLimit(ex: Exchange, message: string | null): boolean {
  if (ex.status === 429) return true;
  if (ex.status !== 403) return false;
  // GitHub answers primary and secondary limits with 403 too; only the headers or the text tell them from a bad token.
  return header(ex.headers, 'x-ratelimit-remaining') === '0' || header(ex.headers, 'retry-after') !== undefined || /rate limit/i.test(message ?? '');
}

/** Whether a 2xx body is really the provider's (a captive portal or a wrong base URL also answers 200). */
function shapeProblem(target: DependencyTarget, ex: Exchange): string | null {
  if (target.kind === 'other' || ex.truncated) return null;
  const doc = parseJson(ex.body);
  if (target.kind === 'openai' && !Array.isArray(field(doc, 'data'))) return 'answered 2xx but not with a model list ({object:"list",data:[...]})';
  if (target.kind === 'github' && field(doc, 'resources') === undefined && field(doc, 'rate') === undefined) {
    return 'answered 2xx but not with a rate-limit document ({resources:{core:...}})';
  }
  return null;
}

export function judge(target: DependencyTarget, ex: Exchange, now: number, redact: (t: string) => string): Verdict {
  if (ex.transportError) return { ok: false, error: ex.transportError, rateLimited: false, retryAt: null, providerMessage: null };
  const status = ex.status ?? 0;
  const raw = status >= 200 && status < 300 ? null : providerMessage(ex.body);
  const message = raw === null ? null : scrub(raw, redact, target.secrets);
  const said = message ? `: ${message}` : '';
  const fail = (code: ErrorInfo['code'], text: string, rateLimited = false): Verdict => ({
    ok: false,
    error: { code, message: `${target.label} answered ${status}${text}` },
    rateLimited,
    retryAt: rateLimited ? retryAtFrom(ex, now) : null,
    providerMessage: message,
  });
  if (isRateLimit(ex, message)) return fail('RP_ERR_EXT_RATE_LIMITED', ` (rate limited)${said}`, true);
  // Without a credential we only ask whether the provider is reachable: its 401/403 proves it is (see presets).
  if ((status === 401 || status === 403) && !target.authenticated && target.kind !== 'other')
    return { ok: true, rateLimited: false, retryAt: null, providerMessage: message };
  if (status === 401 || status === 403)
    return fail('RP_ERR_EXT_AUTH', ` (credentials rejected${target.authenticated ? '' : '; no credential configured'})${said}`);
  if (status >= 500) return fail('RP_ERR_EXT_UNAVAILABLE', ` (provider outage)${said}`);
  if (status < 200 || status >= 300) return fail('RP_ERR_UNEXPECTED_STATUS', ` (expected 2xx; check external.${target.name}.url)${said}`);
  const problem = shapeProblem(target, ex);
  if (problem)
    return {
      ok: false,
      error: { code: 'RP_ERR_INVALID_JSON', message: `${target.label} ${problem}` },
      rateLimited: false,
      retryAt: null,
      providerMessage: null,
    };
  return { ok: true, rateLimited: false, retryAt: null, providerMessage: null };
}
