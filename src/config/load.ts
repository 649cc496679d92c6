import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve, relative } from 'node:path';
import { LineCounter, parseDocument, isMap } from 'yaml';
import { UsageError } from '../model/errors.js';
import { configSchema, ENV_DEFAULTS, type Config } from './schema.js';
import { interpolateTree, type Env } from './interpolate.js';
import { describeIssues, formatPath } from './issues.js';

export interface LoadOptions {
  /** explicit --config; when absent ./config.yaml is used if present, else the built-in defaults */
  file?: string | undefined;
  cwd?: string;
  env?: Env;
  /** command-line values that win over the file (e.g. --target) */
  overrides?: Record<string, unknown>;
}

export interface LoadedConfig {
  config: Config;
  /** the file it came from, or "built-in defaults" */
  source: string;
}

/** Every problem in a config, each a line `path: message (file:line)`. */
export class ConfigError extends UsageError {
  readonly problems: string[];
  constructor(problems: string[], code: 'RP_ERR_CONFIG_INVALID' | 'RP_ERR_CONFIG_READ' | 'RP_ERR_CONFIG_YAML' = 'RP_ERR_CONFIG_INVALID') {
    super(code, problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Objects merge key by key; anything else (lists included) is replaced by the upper layer. */
export function deepMerge(lower: unknown, upper: unknown): unknown {
  if (upper === undefined) return lower;
  if (!isPlainObject(lower) || !isPlainObject(upper)) return upper;
  const merged: Record<string, unknown> = { ...lower };
  for (const [key, value] of Object.entries(upper)) merged[key] = deepMerge(lower[key], value);
  return merged;
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/**
 * The one rule for external dependencies: OpenAI and GitHub are probed only when the user pointed radar-probe at
 * them — an `external.openai:` / `external.github:` section in the config (even an empty one), or their URL or
 * credential in the environment (OPENAI_BASE_URL, OPENAI_API_KEY; GITHUB_API_URL, GITHUB_TOKEN). `enabled: false`
 * turns one off either way. A config holding only `target:` probes no third party: on a machine without egress
 * that would be our failure, not the service's.
 */
export function dependencyDefaults(document: unknown, env: Env): { external: { openai: { enabled: boolean }; github: { enabled: boolean } } } {
  const external = isPlainObject(document) && isPlainObject(document['external']) ? document['external'] : {};
  const given = (...names: string[]): boolean => names.some((n) => (env[n] ?? '') !== '');
  return {
    external: {
      openai: { enabled: 'openai' in external || given('OPENAI_BASE_URL', 'OPENAI_API_KEY') },
      github: { enabled: 'github' in external || given('GITHUB_API_URL', 'GITHUB_TOKEN') },
    },
  };
}

/** Validates an in-memory document (already parsed YAML) against the schema; used by files, reload and tests. */
export function validateConfig(document: unknown, options: { env?: Env; overrides?: Record<string, unknown>; locate?: (path: (string | number)[]) => string | null } = {}): Config {
  const env = options.env ?? process.env;
  if (document !== undefined && document !== null && !isPlainObject(document)) {
    throw new ConfigError([`(top level): expected a mapping of settings, got ${Array.isArray(document) ? 'a list' : JSON.stringify(document)}`]);
  }
  const layered = deepMerge(deepMerge(deepMerge(ENV_DEFAULTS, dependencyDefaults(document, env)), document ?? {}), options.overrides ?? {});
  const data = interpolateTree(layered, env);
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error, configSchema, data).map((problem) => {
      const where = options.locate?.(problem.path);
      return `${formatPath(problem.path)}: ${problem.message}${where ? ` (${where})` : ''}`;
    });
    throw new ConfigError(problems);
  }
  return deepFreeze(parsed.data) as Config;
}

/** Parses YAML text, keeping positions so each problem can say which line it is on. */
export function parseConfigText(text: string, sourceName: string, options: Omit<LoadOptions, 'file' | 'cwd'> = {}): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = e.pos ? lineCounter.linePos(e.pos[0]) : null;
        return `${sourceName}${pos ? `:${pos.line}` : ''}: invalid YAML: ${e.message.split('\n')[0]}`;
      }),
      'RP_ERR_CONFIG_YAML',
    );
  }
  const locate = (path: (string | number)[]): string | null => {
    for (let depth = path.length; depth > 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return `${sourceName}:${lineCounter.linePos(node.range[0]).line}`;
      // an unknown key has no value node at its own path until we look at the parent map's pair
      const parent = depth > 1 ? doc.getIn(path.slice(0, depth - 1), true) : doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === path[depth - 1]);
        const keyRange = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
        if (keyRange) return `${sourceName}:${lineCounter.linePos(keyRange[0]).line}`;
      }
    }
    return null;
  };
  return validateConfig(doc.toJS() as unknown, { ...options, locate });
}

export async function loadConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  let file = options.file ? resolve(cwd, options.file) : undefined;
  if (!file && existsSync(resolve(cwd, 'config.yaml'))) file = resolve(cwd, 'config.yaml');
  const rest = { env: options.env ?? process.env, overrides: options.overrides ?? {} };
  if (!file) return { config: validateConfig({}, rest), source: 'built-in defaults' };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new ConfigError([`${options.file ?? file}: cannot read config file: ${reason}`], 'RP_ERR_CONFIG_READ');
  }
  const shown = relative(cwd, file) || file;
  return { config: parseConfigText(text, shown.startsWith('..') ? file : shown, rest), source: file };
}
