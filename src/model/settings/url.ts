/** URL and header fields: each names the schemes it accepts, and nothing may smuggle CR/LF into a request line. */
import { z } from 'zod';

// C0 controls and DEL: CR/LF would split a request line or header, NUL truncates in C libraries
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f]/;
/** RFC 9110 token: what a header name may hold */
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const HTTP_SCHEMES = ['http:', 'https:'] as const;
export const POSTGRES_SCHEMES = ['postgres:', 'postgresql:'] as const;

const EXAMPLE: Record<string, string> = { 'http:': 'http://localhost:8000', 'postgres:': 'postgres://user@localhost:5432/db' };
/** how a message names the accepted schemes ("an http(s) URL" is the wording the CLI has always used) */
const KIND: Record<string, string> = { 'http:': 'an http(s)', 'postgres:': 'a postgres or postgresql' };

/** Only the part before any path, query or userinfo: a webhook path or a password must not reach a log. */
function shownStart(text: string): string {
  const head = text.split(/[/?#@]/)[0] ?? '';
  const cut = head.slice(0, 40);
  return `"${cut}${cut.length < text.length ? '…' : ''}"`;
}

/** Why the text is not a URL of one of the schemes, or null. Never echoes the whole URL: it may carry a secret. */
export function urlProblem(text: string, schemes: readonly string[]): string | null {
  const example = EXAMPLE[schemes[0] ?? ''] ?? `${schemes[0]}//host`;
  if (CONTROL_RE.test(text)) return `must not contain control characters (CR, LF, tab, NUL), got one at position ${text.search(CONTROL_RE)}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected an absolute URL like ${example}, got ${shownStart(text)}`;
  }
  if (!schemes.includes(url.protocol)) {
    const kind = KIND[schemes[0] ?? ''] ?? `a ${schemes.map((s) => s.slice(0, -1)).join(' or ')}`;
    return `expected ${kind} URL like ${example}, got scheme "${url.protocol.slice(0, 20)}"`;
  }
  if (url.hostname === '') return `expected a URL with a host like ${example}, got no host`;
  return null;
}

function refineUrl(schemes: readonly string[], allowEmpty: boolean) {
  return (text: string, ctx: z.RefinementCtx): void => {
    if (allowEmpty && text === '') return;
    const problem = urlProblem(text, schemes);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  };
}

/** An http(s) URL. */
export const httpUrl = z.string().superRefine(refineUrl(HTTP_SCHEMES, false));
/** An http(s) URL, or empty for "not configured". */
export const optionalHttpUrl = z.string().superRefine(refineUrl(HTTP_SCHEMES, true));
/** A postgres:// or postgresql:// URL, or empty for "not configured". */
export const optionalPostgresUrl = z.string().superRefine(refineUrl(POSTGRES_SCHEMES, true));

/** Text that ends up in a request line or header: no control characters. */
export const singleLine = z.string().superRefine((text, ctx) => {
  const at = text.search(CONTROL_RE);
  if (at >= 0)
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must not contain control characters (CR, LF, tab, NUL), got one at position ${at}` });
});

/** A request path: starts with one "/" (a "//host" path would leave the target), one line. */
export const requestPath = singleLine
  .refine((path) => path.startsWith('/'), 'expected a path starting with "/"')
  .refine((path) => !path.startsWith('//') && !path.startsWith('/\\'), 'expected a path on the target, not "//host"');

/** Header name → value; names are RFC 9110 tokens, values one line. */
export const headerMap = z.record(singleLine).superRefine((headers, ctx) => {
  for (const name of Object.keys(headers)) {
    if (!TOKEN_RE.test(name)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: [name],
        message: `expected a header name (letters, digits and !#$%&'*+-.^_\`|~), got ${JSON.stringify(name.slice(0, 40))}`,
      });
    }
  }
});
