/** JSON in and out for the daemon's APIs (incidents, load runs): answers, errors with a code, bounded bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8'): void {
  const text = typeof body === 'string' ? body : `${JSON.stringify(body, null, 2)}\n`;
  // cache-control and the other security headers are set for every response by the server (./headers.ts)
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function fail(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code = 'RP_ERR_API_REQUEST'): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  send(res, status, { error: { code, message } });
}

/** The body as text, or null once it grows past maxBytes. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
