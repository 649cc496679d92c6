/**
 * Sharded load runs: one run's load split over N processes (or pods), each knowing its index, merged afterwards.
 * The split is here so every part of the product (CLI, daemon groups, the merge's checks) does the same arithmetic.
 */
import { createHash } from 'node:crypto';
import { UsageError } from './errors.js';

export interface ShardId {
  /** 1-based, as on the command line (`--shard 2/4`) */
  index: number;
  count: number;
}

/** a run id travels in URLs and metric labels: short, plain characters only */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** more shards than this is a typo, not a cluster */
export const MAX_SHARDS = 1_000;

export function shardProblem(index: number, count: number): string | null {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) return `shard count must be a whole number 1-${MAX_SHARDS}, got ${count}`;
  if (!Number.isInteger(index) || index < 1 || index > count) return `shard index must be a whole number 1-${count}, got ${index}`;
  return null;
}

/**
 * `I/N`, e.g. `2/4`, or `job/N`: the index of a Kubernetes Indexed Job's pod, JOB_COMPLETION_INDEX (0-based) + 1.
 * Throws UsageError naming the flag.
 */
export function parseShardFlag(text: string, env: Readonly<Record<string, string | undefined>> = {}, flag = '--shard'): ShardId {
  const match = /^\s*(\d+|job)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) throw new UsageError('RP_ERR_USAGE', `${flag}: expected I/N (e.g. 2/4) or job/N, got ${JSON.stringify(text)}`);
  let index = Number(match[1]);
  if (match[1] === 'job') {
    const fromJob = env['JOB_COMPLETION_INDEX'];
    if (fromJob === undefined || !/^\d+$/.test(fromJob)) {
      throw new UsageError(
        'RP_ERR_USAGE',
        `${flag} job/N reads JOB_COMPLETION_INDEX (set in the pods of an Indexed Job), got ${JSON.stringify(fromJob ?? null)}`,
      );
    }
    index = Number(fromJob) + 1;
  }
  const shard = { index, count: Number(match[2]) };
  const problem = shardProblem(shard.index, shard.count);
  if (problem) throw new UsageError('RP_ERR_USAGE', `${flag}: ${problem}`);
  return shard;
}

export function checkRunId(run: string, from: string): string {
  if (!RUN_ID_PATTERN.test(run)) {
    throw new UsageError(
      'RP_ERR_USAGE',
      `${from}: a run id is 1-64 letters, digits, '.', '_' or '-' (starting with a letter or digit), got ${JSON.stringify(run)}`,
    );
  }
  return run;
}

/** A whole number split over the shards: the remainder goes to the first shards (10 over 4: 3, 3, 2, 2). */
export function shareOfCount(total: number, shard: ShardId): number {
  const base = Math.floor(total / shard.count);
  return base + (shard.index <= total % shard.count ? 1 : 0);
}

/** Connections: a share, but at least one (a shard with no connection would send nothing). */
export function shareOfConnections(total: number, shard: ShardId): number {
  return Math.max(1, shareOfCount(total, shard));
}

/** A rate: whole rates split like counts so the shards' rates add up exactly; fractional rates split evenly. */
export function shareOfRate(total: number, shard: ShardId): number {
  if (Number.isInteger(total) && total >= shard.count) return shareOfCount(total, shard);
  return total / shard.count;
}

/** JSON with object keys sorted at every level: the same settings always give the same text and the same hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The run id every shard of one run computes alike without talking to the others: a hash of the run's settings and
 * its start instant. Two runs with the same settings and the same --start-at are the same run; give `--run` to tell
 * them apart.
 */
export function derivedRunId(settings: unknown, startAt: string): string {
  return `run-${createHash('sha256').update(canonicalJson({ settings, startAt })).digest('hex').slice(0, 12)}`;
}

/** What a shard's result carries besides its figures (`shard` in its JSON): enough for the merge to refuse a mix. */
export interface ShardReport {
  run: string;
  /** whether `run` came from --run or was derived from the settings and the start instant */
  runFrom: 'flag' | 'derived';
  index: number;
  count: number;
  /** the common start instant (RFC 3339), or null when the shards started on their own */
  startAt: string | null;
  /** the whole run's settings (totals, not this shard's share); every shard of a run has the same */
  settings: Record<string, unknown>;
}

/** RFC 3339 with a zone (`2026-11-30T09:00:00Z`, `...+01:00`); returns epoch ms or a problem. */
export function parseStartAt(text: string): number | { problem: string } {
  const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
  const ms = rfc3339.test(text) ? Date.parse(text) : NaN;
  return Number.isFinite(ms) ? ms : { problem: `expected an RFC 3339 time with a zone (e.g. 2026-11-30T09:00:00Z), got ${JSON.stringify(text)}` };
}

/** What a merged run says about its shards (`merge` in its JSON). */
export interface MergeInfo {
  run: string;
  count: number;
  /** the shard indexes merged, ascending */
  shards: number[];
  /** indexes that never reported (only a deadline merge in the daemon may have any) */
  missing: number[];
  complete: boolean;
  startAt: string | null;
  settings: Record<string, unknown>;
}
