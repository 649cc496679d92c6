/** A webhook receiver on port 0 that records every POST (body and headers) and lets a test wait for one. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The fields of the webhook sink's JSON body that the acceptance tests read. */
export interface WebhookMessage {
  version: number;
  eventId: string;
  sequence: number;
  kind: 'open' | 'update' | 'escalate' | 'resolve';
  template: 'INCIDENT' | 'INCIDENT RESOLVED';
  incidentId: string;
  status: string;
  severity: string;
  text: string;
  fields: Record<string, string>;
}

export interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: WebhookMessage;
}

export interface Receiver {
  url: string;
  readonly received: Received[];
  /** the first message (already received or future) that matches; rejects after timeoutMs */
  waitFor(match: (m: Received) => boolean, timeoutMs: number, what: string): Promise<Received>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const waiters = new Set<{ match: (m: Received) => boolean; resolve: (m: Received) => void }>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: WebhookMessage;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookMessage;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const message = { at: Date.now(), headers: req.headers, body };
      received.push(message);
      res.writeHead(204).end();
      for (const w of [...waiters])
        if (w.match(message)) {
          waiters.delete(w);
          w.resolve(message);
        }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    waitFor(match, timeoutMs, what) {
      const seen = received.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (m: Received) => (clearTimeout(timer), resolve(m)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const got = received.map((m) => `${m.body.kind} ${m.body.incidentId} ${m.body.status}`).join('; ') || 'nothing';
          reject(new Error(`receiver: no ${what} within ${timeoutMs} ms (received: ${got})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every message that opened an incident (the trigger a pager rings for). */
export const triggers = (r: Receiver, incidentId?: string): Received[] =>
  r.received.filter((m) => m.body.kind === 'open' && (incidentId === undefined || m.body.incidentId === incidentId));
