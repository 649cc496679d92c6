/**
 * Sharded load bench. (1) One shard against two on this machine: real `probe --shard` processes, closed loop for a
 * few seconds against a local target answering at once, merged by `probe merge`: what a second generator process
 * adds. (2) What a merge costs: 10 shard results of 1 M latency samples each, merged in-process (time, memory, the
 * size of one shard's encoded histogram). Prints Markdown tables. Run: `npm run bench:shards`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { encodeHistogram, newLatencyHistogram } from '../src/model/latency-histogram.js';
import type { RunReport } from '../src/model/types.js';
import { mergeShards, type ShardInput } from '../src/report/merge.js';

const CLI = new URL('../src/cli.js', import.meta.url).pathname;
const RUN_MS = 3_000;
const CONNECTIONS = 16;
const MERGE_SHARDS = 10;
const SAMPLES = 1_000_000;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function shardedRun(origin: string, shards: number, dir: string): Promise<RunReport> {
  const startAt = new Date(Date.now() + 4_000).toISOString();
  const run = `bench-${shards}-${Date.now()}`;
  const results = await Promise.all(
    Array.from({ length: shards }, (_, i) =>
      cli([
        '--scenario',
        'latency',
        '--target',
        origin,
        '--json',
        '--shard',
        `${i + 1}/${shards}`,
        '--run',
        run,
        '--start-at',
        startAt,
        '--duration',
        `${RUN_MS}ms`,
        '--connections',
        String(CONNECTIONS),
      ]),
    ),
  );
  const files = results.map((r, i) => {
    if (r.code !== 0) throw new Error(`shard ${i + 1}: exit ${r.code}: ${r.stderr}`);
    const file = join(dir, `${run}-${i + 1}.json`);
    writeFileSync(file, r.stdout);
    return file;
  });
  const merged = await cli(['merge', '--json', ...files]);
  return JSON.parse(merged.stdout) as RunReport;
}

/** a latency-like spread: mostly 5-40 ms, a tail to a few hundred */
function sample(i: number): number {
  const u = ((i * 2654435761) % 4294967296) / 4294967296;
  return u < 0.9 ? 5 + u * 40 : 40 + (u - 0.9) * 4_000;
}

function syntheticShard(index: number): ShardInput {
  const h = newLatencyHistogram();
  for (let i = 0; i < SAMPLES; i++) h.recordValue(Math.round(sample(i + index * SAMPLES) * 1000));
  const histogram = encodeHistogram(h);
  h.destroy();
  const startMs = 1_800_000_000_000;
  return {
    source: `shard-${index}`,
    value: {
      scenario: 'latency',
      target: 'http://bench',
      startedAt: new Date(startMs).toISOString(),
      shard: { run: 'bench-merge', runFrom: 'flag', index, count: MERGE_SHARDS, startAt: null, settings: { rate: 1 } },
      latency: {
        requests: SAMPLES,
        errors: 0,
        timeouts: 0,
        histogram,
        span: { startMs, endMs: startMs + 600_000 },
        statusCounts: { '200': SAMPLES },
      },
    },
  };
}

async function main(): Promise<void> {
  const child = fork(new URL('./load-target.js', import.meta.url), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  const origin = `http://127.0.0.1:${chunk.toString().trim()}`;
  const dir = mkdtempSync(join(tmpdir(), 'rp-bench-shards-'));
  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()[0].toFixed(1)}; closed loop, ${CONNECTIONS} connections in all, ${RUN_MS / 1000} s, target answers at once`,
    '',
    '| shards | requests | req/s (merged) | p50 ms | p95 ms | p99 ms |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  try {
    for (const shards of [1, 2]) {
      const r = await shardedRun(origin, shards, dir);
      const l = r.latency!;
      lines.push(`| ${shards} | ${l.requests} | ${l.rps} | ${l.p50Ms} | ${l.p95Ms} | ${l.p99Ms} |`);
    }
  } finally {
    child.kill();
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  const built = performance.now();
  const inputs = Array.from({ length: MERGE_SHARDS }, (_, i) => syntheticShard(i + 1));
  const buildMs = performance.now() - built;
  const encodedBytes = (inputs[0].value as { latency: { histogram: string } }).latency.histogram.length;
  global.gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const merged = mergeShards(inputs);
  const mergeMs = performance.now() - started;
  const after = process.memoryUsage();
  process.stdout.write(
    [
      `| merge | samples | time | heap Δ | rss Δ | one shard's histogram |`,
      '| --- | --- | --- | --- | --- | --- |',
      `| ${MERGE_SHARDS} shards × ${SAMPLES / 1e6} M | ${Number(merged.latency!['latencySamples'])} | ${mergeMs.toFixed(1)} ms | ${((after.heapUsed - before.heapUsed) / 1048576).toFixed(1)} MiB | ${((after.rss - before.rss) / 1048576).toFixed(1)} MiB | ${(encodedBytes / 1024).toFixed(1)} KiB base64 |`,
      '',
      `(building the 10 synthetic shards: ${(buildMs / 1000).toFixed(1)} s; merged p50 ${merged.latency!.p50Ms} ms, p99 ${merged.latency!.p99Ms} ms)`,
    ].join('\n') + '\n',
  );
}

await main();
