/**
 * config.schema.json from the zod config schema, for editors (`# yaml-language-server: $schema=./config.schema.json`)
 * and any JSON Schema validator. It describes the file as a user writes it, before `${VAR:-default}` interpolation
 * and coercion: a number, boolean, enum or URL may be written as `${VAR}` text, durations are text like "30s" (or
 * milliseconds), and keys the environment fills in (`target`) are optional. Rules that span fields (unique endpoint
 * names, interval or cron) stay with zod.
 *
 *   npm run schema            regenerate the committed file
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ZodTypeDef } from 'zod';
import { ignoreOverride, zodToJsonSchema } from 'zod-to-json-schema';
import { configSchema, environmentDefaults } from '../src/config/schema.js';
import { ageDuration, duration, thresholdDuration } from '../src/model/settings/duration.js';
import { httpUrl, optionalHttpUrl, optionalPostgresUrl, requestPath } from '../src/model/settings/url.js';

export const SCHEMA_FILE = fileURLToPath(new URL('../../config.schema.json', import.meta.url));

type Json = Record<string, unknown>;

/** `${NAME}`, `${NAME:-default}`, `${NAME-default}` anywhere in the text (src/config/interpolate.ts) */
const INTERPOLATION = '\\$\\{[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\\}';
const DURATION_TEXT = '^\\s*(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+\\s*$';

const durationSchema = (positive: boolean): Json => ({
  description: 'a duration: 500ms, 15s, 30m, 1h, 1h30m, 1d (or a number of milliseconds)',
  anyOf: [{ type: 'string', pattern: DURATION_TEXT }, positive ? { type: 'number', exclusiveMinimum: 0 } : { type: 'number', minimum: 0 }],
});

const urlSchema = (schemes: string, description: string, allowEmpty: boolean): Json => ({
  type: 'string',
  description,
  pattern: `^(?:(?:${schemes})://[^\\s/?#@]*@?[^\\s/?#]+(?:[/?#]\\S*)?${allowEmpty ? '|' : ''})$`,
});

/** The zod types whose checks are code (refinements, custom parsers): what each accepts, said as JSON Schema. */
const OVERRIDES = new Map<ZodTypeDef, Json>([
  [duration._def, durationSchema(true)],
  [ageDuration._def, durationSchema(true)],
  [thresholdDuration._def, durationSchema(false)],
  [httpUrl._def, urlSchema('[Hh][Tt][Tt][Pp][Ss]?', 'an absolute http(s) URL', false)],
  [optionalHttpUrl._def, urlSchema('[Hh][Tt][Tt][Pp][Ss]?', 'an absolute http(s) URL, or empty for "not configured"', true)],
  [optionalPostgresUrl._def, urlSchema('[Pp][Oo][Ss][Tt][Gg][Rr][Ee][Ss](?:[Qq][Ll])?', 'a postgres:// URL, or empty for "not configured"', true)],
  [requestPath._def, { type: 'string', pattern: '^/(?![/\\\\])', description: 'a path on the target, starting with one "/"' }],
]);

const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const VALUE_KEYWORDS = new Set(['default', 'const', 'enum', 'examples']);

/** A value with a constraint that `${VAR}` text would fail: a non-string type, a pattern, an enum, a URL. */
function constrainedScalar(node: Json): boolean {
  if (Array.isArray(node['anyOf'])) return (node['anyOf'] as Json[]).every(constrainedScalar);
  const type = node['type'];
  const types = Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : [];
  if ('enum' in node || 'const' in node) return true;
  if (types.length === 0 || !types.every((t) => SCALAR_TYPES.has(t))) return false;
  return types.some((t) => t !== 'string') || ['pattern', 'format', 'minLength', 'maxLength'].some((k) => k in node);
}

/** Lets every constrained scalar also be written as text holding `${VAR}`: interpolation and coercion come first. */
function allowInterpolation(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowInterpolation);
  if (node === null || typeof node !== 'object') return node;
  const json = node as Json;
  if (constrainedScalar(json)) {
    const { description, default: fallback, ...rest } = json;
    const alternatives = Object.keys(rest).length === 1 && Array.isArray(rest['anyOf']) ? (rest['anyOf'] as Json[]) : [rest];
    return {
      ...(description === undefined ? {} : { description }),
      anyOf: [...alternatives, { $ref: '#/definitions/interpolated' }],
      ...(fallback === undefined ? {} : { default: fallback }),
    };
  }
  return Object.fromEntries(Object.entries(json).map(([key, value]) => [key, VALUE_KEYWORDS.has(key) ? value : allowInterpolation(value)]));
}

/** The JSON Schema of a config file, as an object (what `npm run schema` writes, and what the test compares). */
export function configJsonSchema(): Json {
  const generated = zodToJsonSchema(configSchema(), {
    target: 'jsonSchema7',
    $refStrategy: 'none',
    effectStrategy: 'input',
    pipeStrategy: 'input',
    override: (def) => OVERRIDES.get(def) ?? ignoreOverride,
  }) as Json;
  const { $schema, ...body } = allowInterpolation(generated) as Json;
  const fromEnvironment = new Set(Object.keys(environmentDefaults({}, {})));
  const required = ((body['required'] as string[] | undefined) ?? []).filter((key) => !fromEnvironment.has(key));
  return {
    $schema,
    title: 'radar-probe configuration',
    description: 'config.yaml of radar-probe. Generated from the zod schema by `npm run schema`.',
    ...body,
    required,
    definitions: {
      interpolated: { type: 'string', pattern: INTERPOLATION, description: 'a value taken from the environment: ${VAR} or ${VAR:-default}' },
    },
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

if (process.argv.includes('--write')) {
  writeFileSync(SCHEMA_FILE, configJsonSchemaText());
  process.stdout.write(`wrote ${join('.', 'config.schema.json')}\n`);
}
