/**
 * A configured request as the bytes the lean HTTP/1.1 lane writes, built once per run and written as is for every
 * attempt (like autocannon's prebuilt request buffer). The same request line and headers undici would send: Host
 * from the target, the configured headers, Content-Length for a body (0 for the methods that carry one).
 *
 * Anything undici would refuse or handle specially (a header value with a line break, a hop-by-hop header the lane
 * does not implement) builds nothing: the run then stays on undici, which reports it per attempt as before.
 */
import type { ResolvedRequest } from './types.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const PATH = /^[\x21-\x7e\x80-\xff]+$/;
/** headers that change how the connection or the body is framed: left to undici */
const FRAMING = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'te', 'content-length']);
/** undici sends `content-length: 0` for these when there is no body */
const PAYLOAD_METHODS = new Set(['POST', 'PUT', 'PATCH', 'QUERY', 'PROPPATCH', 'PROPFIND', 'REPORT', 'SEARCH']);

export interface Http1Request {
  bytes: Buffer;
  /** a HEAD request: its response has headers only, whatever its Content-Length says */
  headOnly: boolean;
}

/** The wire form of `request` against `origin`, or null when the lane cannot send it exactly as undici would. */
export function http1Request(origin: URL, request: ResolvedRequest): Http1Request | null {
  if (!TOKEN.test(request.method) || !PATH.test(request.path)) return null;
  const lines = [`${request.method} ${request.path} HTTP/1.1`];
  let hostSet = false;
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value) || FRAMING.has(lower)) return null;
    if (lower === 'host') hostSet = true;
    lines.push(`${name}: ${value}`);
  }
  if (!hostSet) lines.splice(1, 0, `host: ${origin.host}`);
  const body = request.body === undefined ? null : Buffer.from(request.body);
  if (body) lines.push(`content-length: ${body.length}`);
  else if (PAYLOAD_METHODS.has(request.method)) lines.push('content-length: 0');
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return { bytes: body ? Buffer.concat([head, body]) : head, headOnly: request.method === 'HEAD' };
}
