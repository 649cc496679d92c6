/**
 * History bench: 90 simulated days of per-minute aggregates for 1,000 probes (one result every 15 s, so four per
 * minute), written through the store's bulk path with a fake clock; then the on-disk size, the write time and the
 * query time of /api/uptime (every probe, every range) and of one /api/history?range=90d. A second phase records one
 * hour of raw results for every probe through the daemon's write path (record, and the timer's sliced flush each
 * second: hour and day rows once a minute) to size the raw 24 h. Hour blocks are drawn from a pool of 512 generated
 * ones (encoding them is timed separately) so the run stays about a minute. Then the time to open that file again, and
 * what a full-file `PRAGMA quick_check` (which the open ran until it found damage where it reads instead) takes on it.
 * Run: `npm run bench:history [-- --probes N --days D] [--keep]` (--keep leaves the files, to time an open with a cold
 * page cache).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { HourBlock } from '../src/history/hour-block.js';
import { historyPoints, uptimeSummary } from '../src/history/queries.js';
import { HISTORY_FILE } from '../src/history/database.js';
import { HistoryStore } from '../src/history/store.js';
import { DAY_MS, HOUR_MS } from '../src/history/types.js';
import { seededRandom } from '../src/support/random.js';

const { values } = parseArgs({
  options: { probes: { type: 'string', default: '1000' }, days: { type: 'string', default: '90' }, keep: { type: 'boolean', default: false } },
});
const PROBES = Number(values.probes);
const DAYS = Number(values.days);
const POOL = 512;
const END = Date.UTC(2026, 10, 30, 23, 59);
const random = seededRandom(15);

/** a latency around 40 ms with a long tail; one result in 500 fails, and one hour in 50 has an outage of a few minutes */
function generatedHour(): HourBlock {
  const block = new HourBlock();
  const outageAt = random() < 0.02 ? Math.floor(random() * 55) : -1;
  for (let minute = 0; minute < 60; minute++)
    for (let i = 0; i < 4; i++) {
      const down = outageAt >= 0 && minute >= outageAt && minute < outageAt + 5;
      const ms = 20 + 40 * Math.exp(random() * 1.5 - 0.75) + (random() < 0.02 ? 400 * random() : 0);
      block.add(minute, !down && random() > 0.002, ms);
    }
  return block;
}

/** CPU (user + system) used since `from`, ms: the machine may be shared, so wall time alone says little */
const cpuMs = (from: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(from);
  return (user + system) / 1000;
};
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
/** wall and CPU ms of a piece of work */
const time = <T>(work: () => T): [T, number, number] => {
  const t = performance.now();
  const cpu = process.cpuUsage();
  const result = work();
  return [result, performance.now() - t, cpuMs(cpu)];
};

async function aggregates(dir: string): Promise<void> {
  const clock = { now: END - DAYS * DAY_MS };
  const store = HistoryStore.open({ dir, retention: { rawMs: DAY_MS, aggregatesMs: (DAYS + 1) * DAY_MS }, now: () => clock.now });
  const pool = Array.from({ length: POOL }, generatedHour);
  const [, encodeMs] = time(() => pool.forEach((b) => b.encode()));
  const blobBytes = pool.reduce((sum, b) => sum + b.encode().length, 0) / POOL;
  const names = Array.from({ length: PROBES }, (_, i) => `probe-${String(i).padStart(4, '0')}`);
  const firstHour = Math.floor(clock.now / HOUR_MS);
  const hours = DAYS * 24;
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let h = 0; h < hours; h++) {
    clock.now = (firstHour + h) * HOUR_MS;
    for (let p = 0; p < PROBES; p++) store.writer.writeHour(names[p] ?? '', 'http', firstHour + h, pool[(h * 7919 + p * 104_729) % POOL] ?? pool[0]);
    // the service series: every probe together (a pool block stands in for the merge)
    store.writer.writeHour('', 'service', firstHour + h, pool[h % POOL]);
    // a commit per simulated 6 hours: a day row is rewritten 4 times, not 24
    if (h % 6 === 5 && !store.flush()) throw new Error('flush failed');
  }
  store.flush();
  const writeMs = performance.now() - started;
  const writeCpu = cpuMs(cpu);
  clock.now = END;
  await store.prune();
  const rows = PROBES * hours;
  console.log(
    `aggregates: ${PROBES} probes × ${DAYS} days = ${rows.toLocaleString('en')} hour rows (${(rows * 60).toLocaleString('en')} minute slots)`,
  );
  console.log(`  hour block: ${blobBytes.toFixed(0)} bytes compressed (minute slots), encoded in ${((encodeMs * 1000) / POOL).toFixed(0)} µs`);
  console.log(
    `  written in ${(writeMs / 1000).toFixed(1)} s wall, ${(writeCpu / 1000).toFixed(1)} s CPU (${Math.round(rows / (writeCpu / 1000)).toLocaleString('en')} rows per CPU second)`,
  );
  console.log(`  on disk: ${mb(store.sizeBytes())} (${(store.sizeBytes() / PROBES / 1024).toFixed(0)} KB per probe)`);
  const listed = names.map((probe) => ({ probe, kind: 'http', current: 'pass' as const }));
  for (let i = 0; i < 2; i++) {
    const [summary, uptimeMs, uptimeCpu] = time(() => uptimeSummary(store, listed));
    const probe = store.read().probes()[PROBES >> 1] ?? null;
    const [points, historyMs, historyCpu] = time(() => historyPoints(store, probe, '90d'));
    const [day, dayMs, dayCpu] = time(() => historyPoints(store, probe, '24h'));
    const ms = (wall: number, cpu: number): string => `${wall.toFixed(1)} ms wall / ${cpu.toFixed(1)} ms CPU`;
    console.log(
      `  ${i === 0 ? 'cold' : 'warm'}: /api/uptime ${ms(uptimeMs, uptimeCpu)} (overall 90d ${summary.overall['90d']} %); /api/history 90d ${ms(historyMs, historyCpu)} (${points.length} points); 24h ${ms(dayMs, dayCpu)} (${day.length} points)`,
    );
  }
  await store.close();
  const [reopened, openMs, openCpu] = time(() => HistoryStore.open({ dir, retention: { rawMs: DAY_MS, aggregatesMs: (DAYS + 1) * DAY_MS } }));
  await reopened.close();
  const checking = new DatabaseSync(join(dir, HISTORY_FILE), { readOnly: true });
  const [, checkMs, checkCpu] = time(() => checking.prepare('PRAGMA quick_check').get());
  checking.close();
  console.log(
    `  opened again in ${openMs.toFixed(1)} ms wall / ${openCpu.toFixed(1)} ms CPU (page cache warm); a full-file quick_check takes ${(checkMs / 1000).toFixed(2)} s wall / ${(checkCpu / 1000).toFixed(2)} s CPU`,
  );
}

async function raw(dir: string): Promise<void> {
  const clock = { now: END - HOUR_MS };
  const store = HistoryStore.open({ dir, retention: { rawMs: DAY_MS, aggregatesMs: 90 * DAY_MS }, now: () => clock.now });
  const started = performance.now();
  const cpu = process.cpuUsage();
  let results = 0;
  let slowestFlush = 0;
  for (let second = 0; second < 3600; second++) {
    clock.now = END - HOUR_MS + second * 1000;
    // every probe once every 15 s, spread over the seconds
    for (let p = second % 15; p < PROBES; p += 15) {
      store.record({ probe: `probe-${p}`, kind: 'http', t: clock.now, status: random() < 0.002 ? 'fail' : 'pass', durationMs: 20 + 60 * random() });
      results++;
    }
    const flushing = performance.now();
    await store.flushInSlices();
    slowestFlush = Math.max(slowestFlush, performance.now() - flushing);
  }
  const ms = performance.now() - started;
  const used = cpuMs(cpu);
  await store.prune();
  console.log(`raw: ${results.toLocaleString('en')} results (${PROBES} probes × 1 h at 15 s) through record + the timer's flush each second`);
  console.log(
    `  ${(ms / 1000).toFixed(1)} s wall, ${(used / 1000).toFixed(1)} s CPU (${((used * 1000) / results).toFixed(1)} µs CPU per result, slowest flush ${slowestFlush.toFixed(1)} ms wall, in slices)`,
  );
  console.log(`  on disk: ${mb(store.sizeBytes())} → about ${mb(store.sizeBytes() * 24)} for the raw 24 h`);
  await store.close();
}

const root = mkdtempSync(join(tmpdir(), 'rp-bench-history-'));
try {
  await aggregates(join(root, 'aggregates'));
  await raw(join(root, 'raw'));
} finally {
  if (values.keep) console.log(`kept: ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
