/**
 * The one path from command line to a usable configuration, shared by `check-config`, `daemon` (start and reload)
 * and the one-shot run: load, apply the flags, validate, plan. What check-config accepts, the others start with.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ConfigErrorCode } from '../config/errors.js';
import { ConfigError, configFileFor, deepFreeze, loadConfig } from '../config/load.js';
import type { Env } from '../config/interpolate.js';
import type { Config } from '../config/schema.js';
import { planDaemon } from '../daemon/plan.js';
import { planScenario, type ScenarioOptions, type ScenarioPlan } from '../scenarios/plan.js';
import { scenarioNames } from '../runbook/scenarios.js';
import type { CliArgs } from './args.js';
import { checkReportFiles } from './report-files.js';
import { UsageError, type ErrorCode } from '../model/errors.js';

/** what settings-worker.ts posts back: the checked config, or the error's code and problems */
export type SettingsAnswer = { ok: true; config: unknown; source: string } | { ok: false; message: string; code?: string; problems?: string[] };

export interface Settings {
  config: Config;
  /** the file it came from, or "built-in defaults" */
  source: string;
  /** the scenario the one-shot runs (`--scenario`) */
  plan?: ScenarioPlan;
}

/** Config values the command line replaces. */
function overridesOf(args: CliArgs): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  if (args.target !== undefined) overrides['target'] = args.target;
  if (args.port !== undefined && args.command !== 'demo') overrides['daemon'] = { port: args.port };
  return overrides;
}

function scenarioOptions(args: CliArgs): ScenarioOptions {
  const load = {
    ...(args.connections !== undefined ? { connections: args.connections } : {}),
    ...(args.amount !== undefined ? { amount: args.amount } : {}),
    ...(args.durationMs !== undefined ? { durationMs: args.durationMs } : {}),
    ...(args.rate !== undefined ? { rate: args.rate } : {}),
  };
  return { load, thresholds: args.thresholds, ...(args.timeoutMs !== undefined ? { timeoutMs: args.timeoutMs } : {}) };
}

/** A state dir that exists must be a directory: the daemon would otherwise fail at its first write, hours later. */
async function checkStateDir(config: Config, cwd: string): Promise<void> {
  const dir = config.incidents.stateDir;
  const found = await stat(resolve(cwd, dir)).catch(() => null);
  if (found && !found.isDirectory()) {
    throw new ConfigError([`incidents.stateDir: ${JSON.stringify(dir)} exists and is not a directory`]);
  }
}

export async function loadSettings(args: CliArgs, env: Env, cwd: string = process.cwd()): Promise<Settings> {
  const { config, source } = await loadConfig({ file: args.config, cwd, env, overrides: overridesOf(args) });
  await checkStateDir(config, cwd);
  const options = scenarioOptions(args);
  // Every scenario and the daemon's groups are planned, with the flags: cross-field problems (a load endpoint that
  // does not exist, a cap the flags exceed, a bad threshold) are exit 2 for every command alike, never at 3 a.m.
  for (const name of scenarioNames()) planScenario(name, config, options);
  planDaemon(config);
  const chosen = args.shard ? { ...options, shard: args.shard } : options;
  const plan = args.scenario !== undefined ? planScenario(args.scenario, config, chosen) : undefined;
  await checkReportFiles(args);
  return { config, source, ...(plan ? { plan } : {}) };
}

/**
 * loadSettings on a worker thread (settings-worker.ts), for a reload: the daemon's event loop goes on meanwhile, and
 * `signal` (the daemon stopping) ends a load still parsing. The same errors, with the same codes and problems.
 */
export async function loadSettingsOffThread(args: CliArgs, env: Env, signal: AbortSignal, cwd: string = process.cwd()): Promise<Settings> {
  signal.throwIfAborted();
  const worker = new Worker(new URL('./settings-worker.js', import.meta.url), { workerData: { args, env, cwd } });
  const stop = (): void => void worker.terminate();
  signal.addEventListener('abort', stop, { once: true });
  try {
    const answer = await new Promise<SettingsAnswer>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(signal.aborted ? 'stopped while loading the configuration' : `the configuration loader stopped (exit ${code})`)),
      );
    });
    if (answer.ok) return { config: deepFreeze(answer.config as Config), source: answer.source };
    if (answer.problems) throw new ConfigError(answer.problems, (answer.code ?? 'RP_ERR_CONFIG_INVALID') as ConfigErrorCode);
    if (answer.code) throw new UsageError(answer.code as ErrorCode, answer.message);
    throw new Error(answer.message);
  } finally {
    signal.removeEventListener('abort', stop);
    void worker.terminate();
  }
}

/**
 * A worker pays for itself only on a large file: it starts in about 120 ms of CPU (the config modules load again in
 * its own isolate) and leaves resident memory behind (at the default config, 60 reloads 2 s apart: RSS 80 → 113 MB
 * on a worker, 80 → 94 MB inline), while a file under this size loads inline in under about 100 ms, one turn the
 * scheduler absorbs. The load time grows with the file (parse, schema, one plan per endpoint), so its size decides.
 */
export const OFF_THREAD_FROM_BYTES = 32 * 1024;

/** Whether a reload loads on a worker thread: the file it reads is at least OFF_THREAD_FROM_BYTES. */
export async function reloadsOffThread(args: CliArgs, cwd: string = process.cwd()): Promise<boolean> {
  const file = configFileFor(args.config, cwd);
  if (file === undefined) return false;
  // a file that cannot be read is reported by the inline load, with its code
  const found = await stat(file).catch(() => null);
  return found !== null && found.size >= OFF_THREAD_FROM_BYTES;
}

/** A reload's load: on a worker thread when the file is large (reloadsOffThread), inline otherwise. */
export async function loadSettingsForReload(args: CliArgs, env: Env, signal: AbortSignal, cwd: string = process.cwd()): Promise<Settings> {
  return (await reloadsOffThread(args, cwd)) ? loadSettingsOffThread(args, env, signal, cwd) : loadSettings(args, env, cwd);
}
