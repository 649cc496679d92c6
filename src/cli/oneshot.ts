/** `probe --scenario NAME`: run once, report, and return the gate's exit code. */
import { UsageError } from '../model/errors.js';
import { redactDeep } from '../support/redact.js';
import { compareBaseline, readBaselineFile } from '../report/baseline.js';
import { COLOR, PLAIN, formatHuman } from '../report/human.js';
import { runScenario } from '../scenarios/run-scenario.js';
import { shardReport, startInstant, waitUntil } from '../scenarios/shards.js';
import type { RunReport, ThresholdResult } from '../model/types.js';
import type { CliArgs } from './args.js';
import { probeEnvironment } from './context.js';
import { postShardResult } from './post-shard.js';
import { progressBar } from './progress.js';
import { writeReportFiles } from './report-files.js';
import { loadSettings } from './settings.js';

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** SIGHUP: the daemon reloads its config; returns a function that removes the listener */
  onReload?: (listener: () => void) => () => void;
}

export async function runOnce(args: CliArgs, io: Io): Promise<number> {
  const { config, plan } = await loadSettings(args, io.env);
  if (!plan) throw new UsageError('RP_ERR_USAGE', '--scenario is required (see probe --help)');
  const startAtMs = args.startAt !== undefined ? startInstant(args.startAt) : undefined;
  const shard = args.shard ? shardReport({ shard: args.shard, run: args.run, startAt: args.startAt }, plan, config) : undefined;
  const baseline = args.baseline ? await readBaselineFile(args.baseline) : undefined;
  const bar = progressBar(io.stderr, !args.json);
  const env = probeEnvironment(config, { ...(args.logLevel ? { logLevel: args.logLevel } : {}), signal: io.signal, progress: bar.update });
  let report: RunReport;
  try {
    // everything that can fail on input failed above; from here the shards only wait for their common instant
    if (startAtMs !== undefined) {
      // the load generator is loaded lazily; load it now, so N shards do not all compile it at the start instant
      await import('../../probes/load/index.js');
      await waitUntil(startAtMs, io.signal);
    }
    const extraChecks =
      baseline === undefined ? undefined : (r: RunReport): ThresholdResult[] => [compareBaseline(r, baseline, args.maxRegressionPct)];
    ({ report } = await runScenario({ plan, config, runner: env.runner, ...(extraChecks ? { extraChecks } : {}) }));
  } finally {
    bar.done();
    await env.close();
  }
  if (shard) report.shard = shard;
  report = redactDeep(report, env.redact);
  // the verdict goes out first: a report file that cannot be written after the run must not cost it
  if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(formatHuman(report, io.stdout.isTTY && !io.env['NO_COLOR'] ? COLOR : PLAIN));
  await writeReportFiles(report, args, io.stderr);
  if (!shard) return report.passed ? 0 : 1;
  if (args.postTo !== undefined) {
    const problem = await postShardResult(args.postTo, report, io.env['PROBE_API_TOKEN']);
    if (problem !== null) {
      io.stderr.write(`probe: shard ${shard.index}/${shard.count} of run ${shard.run}: result not delivered: ${problem} [RP_ERR_SHARD_POST]\n`);
      return 3;
    }
  }
  // a shard's own figures are a part of the run: the verdict is the merge's; the shard fails only when its load did
  return report.probes.every((p) => p.status === 'pass' || p.status === 'skipped') ? 0 : 1;
}
