/**
 * A floor for the daemon's resident memory (bench/rss-breakdown.ts imports it as a bare step): what its
 * unavoidable parts cost together in an empty Node.js, without the daemon — an HTTP server for /metrics, undici's
 * client with its WebAssembly parser compiled and hot, a prom-client registry rendered, pino writing JSON lines,
 * an SQLite file, then the settle collection the daemon runs. Everything else the daemon adds (config and schemas,
 * the probes, windows, diagnosis, incidents, history) is the difference between this row and the daemon's.
 */
import { DatabaseSync } from 'node:sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { http } from '../src/support/node-http.js';
import { Agent, request } from '../src/clients/undici.js';
import { settleHeap } from '../src/support/heap-settle.js';

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const probes = new Counter({ name: 'floor_requests_total', help: 'requests', labelNames: ['status'], registers: [registry] });
const server = http.createServer((_req, res) => res.end('ok'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
const dispatcher = new Agent();
const log = pino({ base: { name: 'floor' } }, pino.destination({ dest: '/dev/null', sync: true }));
const dir = mkdtempSync(join(tmpdir(), 'rss-floor-'));
const db = new DatabaseSync(join(dir, 'history.sqlite'));
db.exec('CREATE TABLE runs (at INTEGER, status INTEGER)');
const insert = db.prepare('INSERT INTO runs VALUES (?, ?)');
// enough requests for V8 to tier the parser up, as a running daemon's are
for (let i = 0; i < 2000; i++) {
  const { statusCode, body } = await request(url, { dispatcher });
  await body.text();
  probes.inc({ status: String(statusCode) });
  insert.run(Date.now(), statusCode);
  if (i % 100 === 0) log.info({ i, statusCode }, 'probe');
}
await registry.metrics();
db.close();
rmSync(dir, { recursive: true, force: true });
settleHeap();
