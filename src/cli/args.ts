/** Command-line parsing: strict, every problem named by its flag, nothing touches the process here. */
import { parseArgs } from 'node:util';
import { readDuration, TIMER } from '../model/settings/duration.js';
import { HTTP_SCHEMES, urlProblem } from '../model/settings/url.js';
import { UsageError } from '../model/errors.js';
import { checkRunId, parseShardFlag, type ShardId } from '../model/shard.js';

export const COMMANDS = ['run', 'daemon', 'demo', 'check-config', 'merge', 'help', 'version'] as const;
export type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  scenario: { type: 'string', short: 's' },
  target: { type: 'string', short: 't' },
  config: { type: 'string', short: 'c' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  junit: { type: 'string' },
  summary: { type: 'string' },
  baseline: { type: 'string' },
  'max-regression': { type: 'string' },
  connections: { type: 'string' },
  amount: { type: 'string' },
  duration: { type: 'string' },
  rate: { type: 'string' },
  threshold: { type: 'string', multiple: true },
  shard: { type: 'string' },
  'start-at': { type: 'string' },
  run: { type: 'string' },
  'post-to': { type: 'string' },
  'log-level': { type: 'string' },
  fault: { type: 'string' },
  port: { type: 'string' },
  once: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

export interface CliArgs {
  command: Command;
  scenario?: string;
  target?: string;
  config?: string;
  timeoutMs?: number;
  json: boolean;
  junit?: string;
  summary?: string;
  baseline?: string;
  maxRegressionPct: number;
  connections?: number;
  amount?: number;
  durationMs?: number;
  rate?: number;
  thresholds: string[];
  logLevel?: string;
  fault?: string;
  port?: number;
  once: boolean;
  /** `--shard I/N`: this run is shard I of N of a sharded load run */
  shard?: ShardId;
  /** `--start-at`: RFC 3339, checked against the clock when the run starts */
  startAt?: string;
  /** `--run ID`: the sharded run's id (else derived from the settings and --start-at) */
  run?: string;
  /** `--post-to URL`: the daemon a shard posts its result to */
  postTo?: string;
  /** `probe merge FILE...` */
  files: string[];
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function positiveNumber(flag: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError('RP_ERR_USAGE', `--${flag}: expected a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Flags take the same bounds as config timers: `--timeout 25d` would overflow a Node timer and fire at once. */
function durationFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const read = readDuration(text, TIMER);
  if ('problem' in read) throw new UsageError('RP_ERR_USAGE', `--${flag}: ${read.problem}`);
  return read.ms;
}

/** `env` is read only for what a flag says comes from it (`--shard job/N`). */
export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message;
    const flag = /'(-{1,2}[^']+)'/.exec(message)?.[1];
    const code = (err as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new UsageError('RP_ERR_USAGE', `unknown option ${flag ?? ''} (see probe --help)`.replace('  ', ' '));
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError('RP_ERR_USAGE', `${flag ?? 'option'}: ${message.split('.')[0]}`);
    throw new UsageError('RP_ERR_USAGE', message.split('\n')[0] ?? message);
  }
  const { values, positionals } = parsed;
  const word = positionals[0];
  if (positionals.length > 1 && word !== 'merge') {
    throw new UsageError('RP_ERR_USAGE', `unexpected argument ${JSON.stringify(positionals[1])} (see probe --help)`);
  }
  let command: Command;
  if (values.help || word === 'help') command = 'help';
  else if (values.version || word === 'version') command = 'version';
  else if (word === undefined) command = 'run';
  else if ((COMMANDS as readonly string[]).includes(word) && word !== 'run') command = word as Command;
  else throw new UsageError('RP_ERR_USAGE', `unknown command ${JSON.stringify(word)} (expected daemon, demo, check-config, or --scenario NAME)`);
  if (command === 'run' && values.scenario === undefined) {
    throw new UsageError('RP_ERR_USAGE', '--scenario is required (e.g. probe --scenario smoke --target http://localhost:8000); see probe --help');
  }
  const targetProblem = values.target === undefined ? null : urlProblem(values.target, HTTP_SCHEMES);
  if (targetProblem) throw new UsageError('RP_ERR_USAGE', `--target: ${targetProblem}`);
  if (values['log-level'] !== undefined && !LOG_LEVELS.includes(values['log-level'])) {
    throw new UsageError('RP_ERR_USAGE', `--log-level: expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(values['log-level'])}`);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new UsageError('RP_ERR_USAGE', `--port: expected a port number 0-65535, got ${JSON.stringify(values.port)}`);
  }
  const args: CliArgs = {
    command,
    json: values.json ?? false,
    thresholds: values.threshold ?? [],
    maxRegressionPct: positiveNumber('max-regression', values['max-regression'], false) ?? 20,
    once: values.once ?? false,
    files: command === 'merge' ? positionals.slice(1) : [],
  };
  if (command === 'merge' && args.files.length === 0)
    throw new UsageError('RP_ERR_USAGE', 'probe merge needs the shard result files (probe merge FILE...)');
  const set = <K extends keyof CliArgs>(key: K, value: CliArgs[K] | undefined): void => {
    if (value !== undefined) args[key] = value;
  };
  set('scenario', values.scenario);
  set('target', values.target);
  set('config', values.config);
  set('timeoutMs', durationFlag('timeout', values.timeout));
  set('junit', values.junit);
  set('summary', values.summary);
  set('baseline', values.baseline);
  set('connections', positiveNumber('connections', values.connections, true));
  set('amount', positiveNumber('amount', values.amount, true));
  set('durationMs', durationFlag('duration', values.duration));
  set('rate', positiveNumber('rate', values.rate, false));
  set('logLevel', values['log-level']);
  set('fault', values.fault);
  set('port', port);
  if (values.shard !== undefined) args.shard = parseShardFlag(values.shard, env);
  set('startAt', values['start-at']);
  if (values.run !== undefined) args.run = checkRunId(values.run, '--run');
  for (const flag of ['run', 'post-to'] as const) {
    if (values[flag] !== undefined && args.shard === undefined)
      throw new UsageError('RP_ERR_USAGE', `--${flag} is for a sharded run: it needs --shard I/N`);
  }
  if (values['post-to'] !== undefined) {
    const problem = urlProblem(values['post-to'], HTTP_SCHEMES);
    if (problem) throw new UsageError('RP_ERR_USAGE', `--post-to: ${problem}`);
    args.postTo = values['post-to'];
  }
  if (args.amount !== undefined && args.durationMs !== undefined) {
    throw new UsageError(
      'RP_ERR_USAGE',
      '--amount and --duration are exclusive: a load run stops after a number of requests or after a time, not both',
    );
  }
  return args;
}
