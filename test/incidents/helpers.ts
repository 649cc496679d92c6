/** Shared by the incident and notify tests: a fake clock, a recording HTTP receiver, report builders. */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/incidents/clock.js';
import type { Finding, LatencySummary, RunReport, Severity } from '../../src/model/types.js';

export const T0 = Date.parse('2026-11-29T10:00:00.000Z');
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

interface FakeTimer {
  at: number;
  seq: number;
  callback: () => void;
}

/** Time moves only when a test says so; due timers fire in order, synchronously, inside advance(). */
export class FakeClock implements Clock {
  private timers = new Map<number, FakeTimer>();
  private seq = 0;
  constructor(private current = T0) {}
  now(): number {
    return this.current;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.current + Math.max(0, ms), seq: id, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = [...this.timers.values()].filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers.delete(due.seq);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = target;
  }
  pending(): number {
    return this.timers.size;
  }
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export interface Receiver {
  url: string;
  /** requests answered with a 2xx (delivered) */
  requests: Received[];
  /** every request, including the ones answered with an error */
  attempts: Received[];
  /** status to answer for the next request (default 200/202) */
  respond: (req: Received) => { status: number; headers?: Record<string, string>; body?: string };
  next(accept?: (r: Received) => boolean): Promise<Received>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const waiters: { accept: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  const receiver: Receiver = {
    url: '',
    requests: [],
    attempts: [],
    respond: () => ({ status: 200 }),
    next(accept = () => true) {
      return new Promise((resolve) => waiters.push({ accept, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      const received: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json };
      receiver.attempts.push(received);
      const answer = receiver.respond(received);
      if (answer.status < 300) receiver.requests.push(received);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body ?? '{}');
      if (answer.status >= 300) return;
      for (const waiter of [...waiters]) {
        if (!waiter.accept(received)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(received);
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

export async function tempDir(prefix = 'radar-incidents-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function finding(cause: string, severity: Severity, summary = `${cause} detected`): Finding {
  return {
    cause,
    severity,
    summary,
    evidence: [`evidence for ${cause}`],
    runbook: `Runbook section for ${cause}`,
    actions: [`kubectl fix ${cause}`],
  };
}

export function latency(p95Ms: number, errorRate: number): LatencySummary {
  return {
    requests: 100,
    errors: Math.round(errorRate * 100),
    timeouts: 0,
    errorRate,
    rps: 50,
    p50Ms: p95Ms / 2,
    p90Ms: p95Ms * 0.9,
    p95Ms,
    p99Ms: p95Ms * 1.2,
    maxMs: p95Ms * 1.5,
  };
}

export function report(findings: Finding[], options: { latency?: LatencySummary; at?: number } = {}): RunReport {
  const severity = findings.length === 0 ? null : findings.map((f) => f.severity).sort()[0];
  const out: RunReport = {
    scenario: 'full',
    target: 'http://127.0.0.1:1',
    startedAt: new Date(options.at ?? T0).toISOString(),
    durationMs: 10,
    passed: findings.length === 0,
    severity,
    probes: [],
    findings,
    thresholds: [],
  };
  if (options.latency) out.latency = options.latency;
  return out;
}

export const outage = (): RunReport =>
  report([
    finding('api_outage', 'P0', 'Health check failing and every endpoint failing'),
    finding('db_connection_failure', 'P0', 'could not connect to server'),
  ]);
export const healthy = (): RunReport => report([], { latency: latency(120, 0) });

export function sinkYaml(sinks: Record<string, unknown>[]): string {
  return `notify:\n${sinks.map((s) => `  - ${JSON.stringify(s)}`).join('\n')}\n`;
}
