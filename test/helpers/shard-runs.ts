/**
 * Sharded load runs for the tests: a target with a known latency distribution that records every response's latency
 * itself, and N real `probe --shard I/N` processes started against it with one --start-at.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RunReport } from '../../src/model/types.js';
import { runCli, type CliRun } from './cli.js';
import { httpServer, type Running } from './servers.js';

export interface KnownLatencyTarget extends Running {
  /** every load request's latency (ms) as the target measured it: arrival of the request to the end of the response */
  latencies: number[];
  /**
   * The worst delay of this process's event loop since the target started, ms. The target stamps a request's arrival
   * when its loop reads it: a request that waited in the socket meanwhile was that much later for the client, unseen
   * by the target.
   */
  maxLoopDelayMs(): number;
}

/**
 * A 20-step pattern on the target's own arrival counter: 90 % fast (15..32 ms, 2 ms apart), 5 % at 180 ms, 5 % at
 * 220 ms. p50, p90, p95 and p99 then fall on distinct values the target knows exactly.
 */
export function delayFor(arrival: number): number {
  const k = arrival % 20;
  return k < 18 ? 15 + k : k === 18 ? 180 : 220;
}

export async function knownLatencyTarget(): Promise<KnownLatencyTarget> {
  const latencies: number[] = [];
  let arrivals = 0;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const running = await httpServer((req, res) => {
    const started = performance.now();
    if (!req.url?.startsWith('/v1/papers')) {
      res.end('{"status":"ok"}');
      return;
    }
    const delay = delayFor(arrivals++);
    // timed up to the write of the answer, not to res.end's callback: that callback runs when this process's event
    // loop gets to it, which under load can be after the client has already read the answer (the reference must
    // never be later than what the client can see)
    setTimeout(() => {
      latencies.push(performance.now() - started);
      res.end('{"items":[]}');
    }, delay);
  });
  return {
    ...running,
    latencies,
    maxLoopDelayMs: () => loop.max / 1e6,
    close: async () => {
      loop.disable();
      await running.close();
    },
  };
}

/** nearest rank, as HDR histograms read a percentile */
export function nearestRank(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface ShardRun {
  files: string[];
  reports: RunReport[];
  runs: CliRun[];
}

/** An RFC 3339 instant far enough ahead for N processes to start on a busy machine. */
export function startAtIn(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

/** Starts the N shard processes together; each one's --json result is written to dir/shard-I.json. */
export async function runShards(
  target: string,
  count: number,
  dir: string,
  flags: readonly string[],
  options: { indexes?: number[]; env?: Record<string, string> } = {},
): Promise<ShardRun> {
  const indexes = options.indexes ?? Array.from({ length: count }, (_, i) => i + 1);
  const runs = await Promise.all(
    indexes.map((index) =>
      runCli(['--scenario', 'latency', '--target', target, '--json', '--shard', `${index}/${count}`, ...flags], {
        timeoutMs: 60_000,
        ...(options.env ? { env: options.env } : {}),
      }),
    ),
  );
  const files = runs.map((run, i) => {
    const file = join(dir, `shard-${indexes[i]}.json`);
    writeFileSync(file, run.stdout);
    return file;
  });
  const reports = runs.map((run, i) => {
    try {
      return JSON.parse(run.stdout) as RunReport;
    } catch {
      throw new Error(`shard ${indexes[i]} exited ${run.code}: ${run.stderr}`);
    }
  });
  return { files, reports, runs };
}
