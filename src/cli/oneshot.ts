/** `probe --scenario NAME`: run once, report, and return the gate's exit code. */
import { writeFile } from 'node:fs/promises';
import { loadConfig } from '../config/load.js';
import { redactDeep } from '../support/redact.js';
import { compareBaseline, readBaselineFile } from '../report/baseline.js';
import { COLOR, PLAIN, formatHuman } from '../report/human.js';
import { toJUnitXml } from '../report/junit.js';
import { toMarkdownSummary } from '../report/summary.js';
import { runScenario } from '../scenarios/run-scenario.js';
import { planScenario } from '../scenarios/plan.js';
import type { RunReport, ThresholdResult } from '../model/types.js';
import type { CliArgs } from './args.js';
import { probeEnvironment } from './context.js';
import { progressBar } from './progress.js';

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** SIGHUP: the daemon reloads its config; returns a function that removes the listener */
  onReload?: (listener: () => void) => () => void;
}

export async function runOnce(args: CliArgs, io: Io): Promise<number> {
  const { config } = await loadConfig({ file: args.config, env: io.env, overrides: args.target ? { target: args.target } : {} });
  const load = {
    ...(args.connections !== undefined ? { connections: args.connections } : {}),
    ...(args.amount !== undefined ? { amount: args.amount } : {}),
    ...(args.durationMs !== undefined ? { durationMs: args.durationMs } : {}),
    ...(args.rate !== undefined ? { rate: args.rate } : {}),
  };
  const plan = planScenario(args.scenario ?? '', config, { load, thresholds: args.thresholds, ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}) });
  const baseline = args.baseline ? await readBaselineFile(args.baseline) : undefined;
  const bar = progressBar(io.stderr, !args.json);
  const env = probeEnvironment(config, { ...(args.logLevel ? { logLevel: args.logLevel } : {}), signal: io.signal, progress: bar.update });
  let report: RunReport;
  try {
    const extraChecks = baseline === undefined ? undefined : (r: RunReport): ThresholdResult[] => [compareBaseline(r, baseline, args.maxRegressionPct)];
    ({ report } = await runScenario({ plan, config, runner: env.runner, ...(extraChecks ? { extraChecks } : {}) }));
  } finally {
    bar.done();
    await env.close();
  }
  report = redactDeep(report, env.redact);
  if (args.junit) await writeFile(args.junit, toJUnitXml(report));
  if (args.summary) await writeFile(args.summary, toMarkdownSummary(report), { flag: 'a' });
  if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(formatHuman(report, io.stdout.isTTY && !io.env['NO_COLOR'] ? COLOR : PLAIN));
  return report.passed ? 0 : 1;
}
