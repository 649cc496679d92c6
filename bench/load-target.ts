/**
 * The bench's target, run as a child process so it does not share an event loop with the load generator.
 * `GET /delay/<ms>` answers after that delay; `GET /stats` returns the server-side hold times (request arrival to
 * response end) recorded since the last `/stats`, so the bench can tell timer lateness in the server from
 * measurement error in the generator. Prints its port on stdout.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'hdr-histogram-js';

const hold = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: false });
const BODY = JSON.stringify({ items: Array.from({ length: 10 }, (_, id) => ({ id, title: `paper ${id}` })) });

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (url.startsWith('/stats')) {
    const ms = (p: number): number => (hold.totalCount ? Math.min(hold.getValueAtPercentile(p), hold.maxValue) / 1000 : 0);
    const stats = { count: hold.totalCount, p50Ms: ms(50), p95Ms: ms(95) };
    hold.reset();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    return;
  }
  const arrived = performance.now();
  const delay = Number(url.split('/')[2] ?? 0) || 0;
  const respond = (): void => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(BODY);
    hold.recordValue(Math.max(1, Math.round((performance.now() - arrived) * 1000)));
  };
  if (delay > 0) setTimeout(respond, delay);
  else respond();
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('disconnect', () => process.exit(0));
