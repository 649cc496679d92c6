import { existsSync } from 'node:fs';
import { resolve, relative } from 'node:path';
import { configSchema, environmentDefaults, type Config } from './schema.js';
import { collectEnvValues, coerceInterpolated, pathKey, type EnvOrigins } from './coerce.js';
import { ConfigError, MAX_PROBLEMS } from './errors.js';
import { interpolateTree, type Env } from './interpolate.js';
import { describeIssues, formatPath, type ConfigProblem } from './issues.js';
import { checkDocumentShape } from './shape-guard.js';
import { readConfigFile } from './source.js';
import { parseYaml } from './yaml.js';

export { ConfigError } from './errors.js';

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

/** A problem about a value the environment supplied names the variable, never the value (it may be a secret). */
function hideEnvValue(problem: ConfigProblem, origins: EnvOrigins): string {
  const vars = origins.get(pathKey(problem.path));
  if (!vars) return problem.message;
  const names = vars.map((name) => `\${${name}}`).join(', ');
  return `${problem.message.replace(/,? got [\s\S]*$/, '')} (value from ${names}, not shown)`;
}

function scrub(text: string, secrets: ReadonlySet<string>): string {
  let out = text.replace(/(\/\/[^:/?#\s@]*:)[^@/\s]+@/g, '$1[REDACTED]@');
  for (const secret of secrets) if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  return out;
}

/** Validates an in-memory document (already parsed YAML) against the schema; used by files, reload and tests. */
export function validateConfig(
  document: unknown,
  options: { env?: Env; overrides?: Record<string, unknown>; locate?: (path: readonly (string | number)[]) => string | null } = {},
): Config {
  const env = options.env ?? process.env;
  if (document !== undefined && document !== null && !isPlainObject(document)) {
    throw new ConfigError([`(top level): expected a mapping of settings, got ${Array.isArray(document) ? 'a list' : typeof document}`]);
  }
  checkDocumentShape(document, options.locate);
  const layered = deepMerge(deepMerge(environmentDefaults(document, env), document ?? {}), options.overrides ?? {});
  const interpolated = interpolateTree(layered, env);
  const origins: EnvOrigins = new Map();
  const schema = configSchema();
  const data = coerceInterpolated(schema, interpolated, origins);
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const secrets = collectEnvValues(interpolated);
    const all = describeIssues(parsed.error, schema, data);
    const problems = all.slice(0, MAX_PROBLEMS).map((problem) => {
      const where = options.locate?.(problem.path);
      return scrub(`${formatPath(problem.path)}: ${hideEnvValue(problem, origins)}${where ? ` (${where})` : ''}`, secrets);
    });
    if (all.length > MAX_PROBLEMS) problems.push(`… and ${all.length - MAX_PROBLEMS} more problems`);
    throw new ConfigError(problems);
  }
  return deepFreeze(parsed.data);
}

/** Parses YAML text, keeping positions so each problem can say which line it is on. */
export function parseConfigText(text: string, sourceName: string, options: Omit<LoadOptions, 'file' | 'cwd'> = {}): Config {
  const { value, locate } = parseYaml(text, sourceName);
  return validateConfig(value, { ...options, locate });
}

/** The file a load reads: the one named, else ./config.yaml when there is one, else none (built-in defaults). */
export function configFileFor(named: string | undefined, cwd: string): string | undefined {
  if (named !== undefined) return resolve(cwd, named);
  const local = resolve(cwd, 'config.yaml');
  return existsSync(local) ? local : undefined;
}

export async function loadConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const file = configFileFor(options.file, cwd);
  const rest = { env: options.env ?? process.env, overrides: options.overrides ?? {} };
  if (!file) return { config: validateConfig({}, rest), source: 'built-in defaults' };
  const relativeName = relative(cwd, file) || file;
  const shown = relativeName.startsWith('..') ? file : relativeName;
  const text = await readConfigFile(file, options.file !== undefined ? `--config ${options.file}` : shown);
  return { config: parseConfigText(text, shown, rest), source: file };
}
