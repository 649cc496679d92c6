import { isDeepStrictEqual } from 'node:util';
import type { EndpointConfig } from '../../src/model/settings/endpoint.js';
import { ProbeError } from '../../src/model/errors.js';

type Expect = EndpointConfig['expect'];

export function statusMatches(status: number, expected: Expect['status']): boolean {
  const list = Array.isArray(expected) ? expected : [expected];
  return list.some((m) => (typeof m === 'number' ? m === status : Math.floor(status / 100) === Number(m[0])));
}

/** `$.items[0].id`, `items.0.id` and `items[0].id` all address the same value. */
export function splitJsonPath(path: string): string[] {
  return path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\[["']([^"']+)["']\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '');
}

export function lookupJsonPath(doc: unknown, path: string): { found: boolean; value: unknown } {
  let node: unknown = doc;
  for (const part of splitJsonPath(path)) {
    if (node === null || typeof node !== 'object' || !(part in node)) return { found: false, value: undefined };
    node = (node as Record<string, unknown>)[part];
  }
  return { found: true, value: node };
}

/** `application/json`, `application/problem+json`, ... (parameters such as `; charset=utf-8` ignored) */
export function isJsonContentType(contentType: string): boolean {
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  return mediaType === 'application/json' || /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(mediaType);
}

/** Responses that carry no body by definition: nothing to parse whatever the content-type says. */
function bodiless(status: number, method: string | undefined): boolean {
  return method === 'HEAD' || status === 204 || status === 304;
}

/**
 * Throws a coded ProbeError at the first expectation the response does not meet. A response that says it is JSON
 * (its content-type), or that the endpoint's `expect.json` assertions need as JSON, must parse: a truncated or
 * garbled JSON body is what a client would choke on, so it fails with RP_ERR_INVALID_JSON even without assertions.
 */
export function checkResponse(expect: Expect, response: { status: number; body: string; contentType: string; method?: string }): void {
  if (!statusMatches(response.status, expect.status)) {
    throw new ProbeError('RP_ERR_UNEXPECTED_STATUS', `status ${response.status}, expected ${JSON.stringify(expect.status)}`);
  }
  if (expect.contains !== undefined && !response.body.includes(expect.contains)) {
    throw new ProbeError('RP_ERR_ASSERTION_FAILED', `body does not contain ${JSON.stringify(expect.contains)}`);
  }
  const declaredJson = isJsonContentType(response.contentType) && !bodiless(response.status, response.method);
  if (expect.json.length === 0 && !declaredJson) return;
  let doc: unknown;
  try {
    doc = JSON.parse(response.body);
  } catch (err) {
    throw new ProbeError('RP_ERR_INVALID_JSON', `body is not JSON (${(err as Error).message}); content-type ${response.contentType || 'missing'}`);
  }
  for (const assertion of expect.json) {
    const { found, value } = lookupJsonPath(doc, assertion.path);
    const wantExists = assertion.exists ?? true;
    if (found !== wantExists) {
      throw new ProbeError(
        'RP_ERR_ASSERTION_FAILED',
        `${assertion.path} ${found ? 'exists' : 'is missing'}, expected it ${wantExists ? 'to exist' : 'to be absent'}`,
      );
    }
    if (assertion.equals !== undefined && !isDeepStrictEqual(value, assertion.equals)) {
      throw new ProbeError(
        'RP_ERR_ASSERTION_FAILED',
        `${assertion.path} is ${JSON.stringify(value)?.slice(0, 80)}, expected ${JSON.stringify(assertion.equals)}`,
      );
    }
  }
}
