/** A probe slower than its interval is never run twice at once: a slow server counts concurrent requests. */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, test } from 'node:test';
import { httpServer, type Running } from '../helpers/servers.js';
import { killOnExit, startDaemon, type DaemonProcess } from './harness.js';

const SLOW_MS = 1_000;

let server: Running;
let daemon: DaemonProcess | undefined;
let inFlight = 0;
let maxInFlight = 0;
let served = 0;
const waiting: ServerResponse[] = [];

before(async () => {
  server = await httpServer((_req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    waiting.push(res);
    const timer = setTimeout(() => res.end('ok'), SLOW_MS);
    res.on('close', () => {
      clearTimeout(timer);
      inFlight--;
      served++;
    });
  });
});
after(async () => {
  killOnExit(daemon);
  for (const res of waiting) res.destroy();
  await server.close();
});

test('a 1 s probe on a 0.4 s interval runs one at a time, and the skipped runs are counted', async () => {
  daemon = await startDaemon(
    `
target: ${server.url}
timeout: 10s
endpoints: [{ name: slow, path: /slow }]
kubernetes: { enabled: false }
external: { openai: { enabled: false }, github: { enabled: false } }
incidents: { stateDir: ./data }
daemon: { host: 127.0.0.1, interval: 400ms, jitter: 0 }
`,
    { args: ['--log-level', 'debug'] },
  );
  const isOverlap = (l: { msg: string; [k: string]: unknown }): boolean => l.msg.startsWith('previous run still going') && l['probe'] === 'slow';
  await daemon.waitFor((l) => l.msg === 'probe slow: pass', 8_000, 'the first slow run');
  // the first run (0–1 s) was due again at 0.4 s and 0.8 s; two more skips belong to the second run
  await daemon.waitFor((l) => isOverlap(l) && daemon!.lines.filter(isOverlap).length >= 4, 5_000, 'skipped runs during the second run');
  const overlaps = daemon.lines.filter(isOverlap).length;
  assert.equal(maxInFlight, 1, 'never two requests from the same probe at once');
  assert.ok(served >= 1);
  const counted = await daemon.metric('probe_schedule_overlaps_total', { probe: 'slow' });
  assert.ok(counted !== undefined && counted >= overlaps, `probe_schedule_overlaps_total ${counted} < ${overlaps}`);
  const { code } = await daemon.stop('SIGTERM');
  assert.equal(code, 0);
});
