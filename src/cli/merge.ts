/**
 * `probe merge FILE...`: merges the `--json` results of a sharded load run's shards and gates on the merged figures,
 * with the exit codes of a scenario run (0 passed, 1 failed its gate, 2 the shards cannot be merged).
 */
import { loadConfig } from '../config/load.js';
import { UsageError } from '../model/errors.js';
import { COLOR, PLAIN, formatHuman } from '../report/human.js';
import { mergeShards, type ShardInput } from '../report/merge.js';
import { judgeMerged } from '../scenarios/shards.js';
import { FileInputError, readBoundedFile } from '../support/bounded-file.js';
import type { CliArgs } from './args.js';
import type { Io } from './oneshot.js';
import { checkReportFiles, writeReportFiles } from './report-files.js';

/** a shard result is a few kilobytes (the compressed histogram); this leaves room for a very wide one */
const MAX_SHARD_BYTES = 16 * 1024 * 1024;

async function readShard(file: string): Promise<ShardInput> {
  let text: string;
  try {
    text = await readBoundedFile(file, MAX_SHARD_BYTES);
  } catch (err) {
    const why = err instanceof FileInputError ? err.reason : err instanceof Error ? err.message : String(err);
    throw new UsageError('RP_ERR_SHARD_INVALID', `${file}: cannot be read: ${why}`);
  }
  try {
    return { source: file, value: JSON.parse(text) as unknown };
  } catch {
    throw new UsageError('RP_ERR_SHARD_INVALID', `${file}: not JSON (write each shard's result with --json)`);
  }
}

export async function runMerge(args: CliArgs, io: Io): Promise<number> {
  const { config } = await loadConfig({ file: args.config, env: io.env });
  await checkReportFiles(args);
  const inputs = await Promise.all(args.files.map(readShard));
  const report = judgeMerged(mergeShards(inputs, { thresholds: args.thresholds }), config);
  if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const { run, shards, count } = report.merge;
    io.stdout.write(`merged run ${run}: ${shards.length} of ${count} shards\n`);
    io.stdout.write(formatHuman(report, io.stdout.isTTY && !io.env['NO_COLOR'] ? COLOR : PLAIN));
  }
  await writeReportFiles(report, args, io.stderr);
  return report.passed ? 0 : 1;
}
