/**
 * What the HTTP client alone costs at the daemon's rate: N endpoints every interval (1,000 every 10 s by default),
 * started on the scheduler's clock slots, against the same microsecond target as `bench:daemon --mode scale`, with
 * nothing else in the process: no runner, no result, no metrics, no history. CPU per request from /proc (all
 * threads, 10 ms ticks), like bench/daemon.ts, so the rows compare with its 1,000-endpoint row: the difference is what
 * the daemon adds per probe. Run: `npm run bench:floor [-- --endpoints 1000 --interval-ms 10000 --warmup 20 --duration 30]`.
 */
import { Agent, request as httpRequest } from 'node:http';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { slotMs, slotOf } from '../src/daemon/scheduler.js';
import { startFastTarget } from './fast-target.js';
import { cpuMs } from './proc-cpu.js';

const { values: flags } = parseArgs({
  options: {
    endpoints: { type: 'string', default: '1000' },
    'interval-ms': { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '20' },
    duration: { type: 'string', default: '30' },
  },
});
const endpoints = Number(flags.endpoints);
const everyMs = Number(flags['interval-ms']);
type Client = (path: string) => Promise<void>;

function clients(url: string): [string, Client][] {
  const pool = new Pool(url, { connections: 64 });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const dispatch: Client = (path) =>
    new Promise((resolve, reject) => {
      pool.dispatch(
        { path, method: 'GET' },
        {
          onRequestStart() {},
          onResponseStart() {},
          onResponseData() {},
          onResponseEnd: () => resolve(),
          onResponseError: (_controller, err) => reject(err),
        },
      );
    });
  const request: Client = async (path) => {
    const response = await pool.request({ path, method: 'GET' });
    await response.body.text();
  };
  const nodeHttp: Client = (path) =>
    new Promise((resolve, reject) => {
      httpRequest(`${url}${path}`, { agent }, (res) => res.resume().on('end', resolve))
        .on('error', reject)
        .end();
    });
  return [
    ['undici dispatch (what the daemon uses)', dispatch],
    ['undici request()', request],
    ['node:http', nodeHttp],
  ];
}

/** every endpoint once per interval, phased evenly and rounded up to the scheduler's slot, as the daemon starts them */
async function measure(client: Client): Promise<{ perRequestMs: number; requests: number }> {
  const slot = slotMs(everyMs, (endpoints * 1000) / everyMs);
  const stopAt = Date.now() + (Number(flags.warmup) + Number(flags.duration)) * 1000;
  let done = 0;
  let failed = 0;
  const timers = new Set<NodeJS.Timeout>();
  const arm = (i: number, at: number): void => {
    if (at > stopAt) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        client(`/health?i=${i}`).then(
          () => done++,
          () => failed++,
        );
        arm(i, at + everyMs);
      },
      slotOf(at, slot) - Date.now(),
    );
    timers.add(timer);
  };
  const start = Date.now();
  for (let i = 0; i < endpoints; i++) arm(i, start + (i * everyMs) / endpoints);
  await sleep(Number(flags.warmup) * 1000);
  const [cpu0, done0] = [cpuMs('self'), done];
  await sleep(Number(flags.duration) * 1000);
  const [cpu, requests] = [cpuMs('self') - cpu0, done - done0];
  for (const timer of timers) clearTimeout(timer);
  if (failed) throw new Error(`${failed} requests failed`);
  return { perRequestMs: cpu / requests, requests };
}

const target = await startFastTarget();
try {
  console.log(
    `| client (${endpoints.toLocaleString('en')} endpoints every ${everyMs / 1000} s, ${flags.duration} s after ${flags.warmup} s) | requests | CPU ms / request |`,
  );
  console.log('| --- | ---: | ---: |');
  for (const [name, client] of clients(target.url)) {
    const { perRequestMs, requests } = await measure(client);
    console.log(`| ${name} | ${requests} | ${perRequestMs.toFixed(3)} |`);
  }
  console.log(
    `CPU from /proc (10 ms ticks), all threads of this process (node ${process.version}); compare with \`npm run bench:daemon -- --mode scale --endpoints ${endpoints}\`.`,
  );
} finally {
  target.child.kill();
}
