/**
 * Reading shard results for a merge: each must be a sharded load result, and together they must be one run (one run
 * id, one shard count, one set of settings, each index once, none missing unless the caller accepts a partial run).
 * Every refusal is a UsageError naming the problem and the inputs it came from.
 */
import { z } from 'zod';
import { UsageError } from '../model/errors.js';
import { canonicalJson, shardProblem, type ShardReport } from '../model/shard.js';

const span = z.object({ startMs: z.number().finite(), endMs: z.number().finite() });
const count = z.number().int().nonnegative();

const shardResultSchema = z
  .object({
    scenario: z.string(),
    target: z.string(),
    startedAt: z.string(),
    shard: z.object({
      run: z.string(),
      runFrom: z.enum(['flag', 'derived']),
      index: z.number().int(),
      count: z.number().int(),
      startAt: z.string().nullable(),
      settings: z.record(z.unknown()),
    }),
    latency: z
      .object({
        requests: count,
        errors: count,
        timeouts: count,
        histogram: z.string().min(1),
        span,
      })
      .passthrough(),
  })
  .passthrough();

export type ShardResult = z.infer<typeof shardResultSchema>;

export interface ShardInput {
  /** where it came from, for messages: a file name, or `POST shard 3` */
  source: string;
  value: unknown;
}

export interface ParsedShard {
  source: string;
  result: ShardResult;
}

export function parseShardResult(input: ShardInput): ParsedShard {
  const parsed = shardResultSchema.safeParse(input.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the document';
    throw new UsageError(
      'RP_ERR_SHARD_INVALID',
      `${input.source}: not a shard result (${where}: ${issue?.message ?? 'invalid'}); run each shard with --shard I/N --json`,
    );
  }
  const { index, count: of } = parsed.data.shard;
  const problem = shardProblem(index, of);
  if (problem) throw new UsageError('RP_ERR_SHARD_INVALID', `${input.source}: ${problem}`);
  return { source: input.source, result: parsed.data };
}

/** the settings keys whose values differ between two shards */
function differingKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]));
}

function groupSources<T>(shards: readonly ParsedShard[], key: (s: ParsedShard) => T): Map<T, string[]> {
  const groups = new Map<T, string[]>();
  for (const s of shards) groups.set(key(s), [...(groups.get(key(s)) ?? []), s.source]);
  return groups;
}

export interface ShardSet {
  /** ascending by index: the merge reads them in this order whatever order they were given in */
  shards: ParsedShard[];
  identity: ShardReport;
  missing: number[];
}

/** Validates the inputs as one run; `allowMissing` lets a deadline merge go ahead without the shards that never came. */
export function readShardSet(inputs: readonly ShardInput[], options: { allowMissing?: boolean } = {}): ShardSet {
  if (inputs.length === 0) throw new UsageError('RP_ERR_SHARD_MISSING', 'no shard results to merge');
  const shards = inputs.map(parseShardResult).sort((a, b) => a.result.shard.index - b.result.shard.index);
  const first = shards[0].result.shard;
  const runs = groupSources(shards, (s) => s.result.shard.run);
  if (runs.size > 1) {
    const list = [...runs].map(([run, sources]) => `${run} (${sources.join(', ')})`).join(' and ');
    const other = shards.find((s) => s.result.shard.run !== first.run)!.result.shard;
    const differ = differingKeys(first.settings, other.settings);
    const why = differ.length > 0 ? `; their settings differ in ${differ.join(', ')}` : '';
    throw new UsageError('RP_ERR_SHARD_MIXED', `shards of different runs: ${list}${why}`);
  }
  const counts = groupSources(shards, (s) => s.result.shard.count);
  if (counts.size > 1) {
    const list = [...counts].map(([n, sources]) => `${n} shards (${sources.join(', ')})`).join(' and ');
    throw new UsageError('RP_ERR_SHARD_MIXED', `run ${first.run}: shards disagree on the shard count: ${list}`);
  }
  for (const s of shards) {
    const differ = differingKeys(first.settings, s.result.shard.settings);
    if (differ.length > 0) {
      throw new UsageError(
        'RP_ERR_SHARD_MIXED',
        `run ${first.run}: mixed settings: ${shards[0].source} and ${s.source} differ in ${differ.join(', ')}`,
      );
    }
  }
  for (const [index, sources] of groupSources(shards, (s) => s.result.shard.index)) {
    if (sources.length > 1) {
      throw new UsageError('RP_ERR_SHARD_DUPLICATE', `run ${first.run}: duplicate shard ${index}/${first.count}: ${sources.join(', ')}`);
    }
  }
  const have = new Set(shards.map((s) => s.result.shard.index));
  const missing = Array.from({ length: first.count }, (_, i) => i + 1).filter((i) => !have.has(i));
  if (missing.length > 0 && !options.allowMissing) {
    throw new UsageError(
      'RP_ERR_SHARD_MISSING',
      `run ${first.run}: missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${first.count}`).join(', ')} (have ${[...have].join(', ')})`,
    );
  }
  return { shards, identity: first, missing };
}
