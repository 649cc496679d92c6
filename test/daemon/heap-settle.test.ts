/**
 * The full collection after start-up (src/support/heap-settle.ts, docs/performance.md "Memory"): it gives the young
 * generation back, and the daemon runs it once its first evaluation is done. Fresh processes: the young generation
 * of this test runner is not the daemon's.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { startSimulatedApi } from '../../src/demo/api.js';
import { parseConfigText } from '../../src/config/load.js';
import { SETTLE_UP_TO_PROBES_PER_SECOND } from '../../src/daemon/daemon.js';
import { planDaemon, probesPerSecond } from '../../src/daemon/plan.js';
import { killOnExit, startDaemon } from './harness.js';

const SETTLE = new URL('../../src/support/heap-settle.js', import.meta.url).href;
const MB = 1024 * 1024;

test('after a start-up that grew the young generation to its maximum, the settle collection gives it back', () => {
  // start-up's pattern: much allocated fast, a good part of it still alive at the next scavenge
  const script = `import { getHeapSpaceStatistics } from 'node:v8';
    const { settleHeap } = await import(${JSON.stringify(SETTLE)});
    const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').physical_space_size;
    let kept = [];
    for (let i = 0; i < 400000; i++) { kept.push({ i, s: 'x' + i }); if (kept.length > 100000) kept = []; }
    kept = null;
    const before = young();
    const settled = settleHeap();
    console.log(JSON.stringify({ before, after: young(), settled }));`;
  const out = execFileSync(process.execPath, ['--max-semi-space-size=8', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const { before, after: young, settled } = JSON.parse(out) as { before: number; after: number; settled: { heapUsedAfter: number } | null };
  assert.ok(before >= 8 * MB, `the young generation grew first (${before} bytes), or this test checks nothing`);
  assert.ok(settled, 'a small heap is settled');
  assert.ok(young <= MB, `young generation after the settle: ${young} bytes`);
  assert.ok(settled.heapUsedAfter < 16 * MB, `the start-up garbage is gone (${settled.heapUsedAfter} bytes live)`);
});

test('a heap larger than the limit is left alone: the pause would buy little', async () => {
  const { settleHeap } = await import(SETTLE);
  assert.equal(settleHeap(0), null);
});

test('the daemon settles its heap once its first evaluation is done', async () => {
  const api = await startSimulatedApi({ port: 0 });
  const daemon = await startDaemon(
    `target: ${api.url}
kubernetes: { enabled: false }
external: { openai: { enabled: false }, github: { enabled: false } }
incidents: { stateDir: ./data }
daemon: { interval: 2s }
`,
    { args: ['--log-level', 'debug'], env: { NODE_OPTIONS: '--max-semi-space-size=8' } },
  );
  after(async () => {
    killOnExit(daemon);
    await api.close();
  });
  await daemon.waitFor((l) => l.msg === 'first evaluation done: ready', 10_000, 'readiness');
  const settled = await daemon.waitFor((l) => l.msg === 'start-up garbage collected', 10_000, 'the settle collection');
  assert.ok(Number(settled['youngMb']) <= 1, `young generation after it: ${String(settled['youngMb'])} MB`);
});

test('the shipped config is light enough to be settled; 1,000 endpoints every 10 s are not (the CPU it would cost)', () => {
  const shipped = parseConfigText(readFileSync(new URL('../../../config.yaml', import.meta.url), 'utf8'), 'config.yaml', { env: {} });
  assert.ok(probesPerSecond(planDaemon(shipped)) <= SETTLE_UP_TO_PROBES_PER_SECOND);
  const endpoints = Array.from({ length: 1000 }, (_, i) => `  - { name: e${i}, path: /e${i} }`).join('\n');
  const busy = parseConfigText(`target: http://127.0.0.1:9\ndaemon: { interval: 10s }\nendpoints:\n${endpoints}\n`, 'busy.yaml', { env: {} });
  assert.ok(probesPerSecond(planDaemon(busy)) > SETTLE_UP_TO_PROBES_PER_SECOND);
});
