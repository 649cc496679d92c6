/**
 * config.schema.json (issue 18 acceptance 4): the committed file is what `npm run schema` generates from the zod
 * schema today, and a real JSON Schema validator (ajv) accepts the shipped configs and every valid config, and
 * rejects every invalid fixture except those listed with the reason a JSON Schema cannot see.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { configJsonSchemaText, SCHEMA_FILE } from '../../scripts/config-schema.js';
import { parseConfigText } from '../../src/config/load.js';
import { configCorpus } from './fuzz-corpus.js';

const ROOT = dirname(SCHEMA_FILE);
const INVALID = join(ROOT, 'test', 'fixtures', 'config');
const VALID = join(ROOT, 'test', 'fixtures', 'config-valid');
const SHIPPED = ['config.yaml', join('k8s', 'config.yaml')];

/** invalid fixture → why the JSON Schema accepts it (zod or the YAML parser refuses it) */
const BEYOND_JSON_SCHEMA: Record<string, string> = {
  'bad-yaml.yaml': 'not YAML at all: the parser refuses it before any schema sees a document',
  'duplicate-endpoint.yaml': 'endpoint names must be unique across list items; JSON Schema uniqueItems compares whole items only',
};

function validator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
}

const shown = (errors: ErrorObject[] | null | undefined): string =>
  (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
    .join('; ');

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

describe('config.schema.json', () => {
  const validate = validator();

  test('is in sync with the zod schema (regenerate with `npm run schema`)', () => {
    assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), configJsonSchemaText());
  });

  test('the shipped configs name it on their first line and validate', () => {
    for (const file of SHIPPED) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const first = text.split('\n')[0] ?? '';
      const reference = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)?.[1];
      assert.ok(reference, `${file} starts with the yaml-language-server line, got: ${first}`);
      assert.equal(resolve(ROOT, dirname(file), reference), SCHEMA_FILE, `${file} points at the schema`);
      assert.ok(validate(parse(text)), `${file}: ${shown(validate.errors)}`);
    }
  });

  test('every valid fixture validates (and the loader agrees it is valid)', () => {
    const files = yamlFiles(VALID);
    assert.ok(files.length > 0);
    for (const file of files) {
      const text = readFileSync(join(VALID, file), 'utf8');
      assert.doesNotThrow(() => parseConfigText(text, file, { env: {} }), file);
      assert.ok(validate(parse(text)), `${file}: ${shown(validate.errors)}`);
    }
  });

  test('every valid config of the fuzz corpus validates', () => {
    const valid = configCorpus(18, 200).cases.filter((c) => c.names.length === 0 && !c.special);
    assert.ok(valid.length >= 10, `${valid.length} valid cases`);
    // an empty file is a config with no settings to the loader; YAML calls it null
    for (const c of valid) assert.ok(validate(parse(c.yaml) ?? {}), `${c.name}: ${shown(validate.errors)}\n${c.yaml}`);
  });

  test('every invalid fixture is rejected, except those a JSON Schema cannot judge', () => {
    const files = yamlFiles(INVALID);
    for (const file of Object.keys(BEYOND_JSON_SCHEMA)) assert.ok(files.includes(file), `${file} is listed but gone`);
    for (const file of files) {
      const text = readFileSync(join(INVALID, file), 'utf8');
      if (file in BEYOND_JSON_SCHEMA) {
        // the list stays honest: what it names really passes the schema (or is no YAML at all)
        let document: unknown;
        try {
          document = parse(text);
        } catch {
          continue;
        }
        assert.ok(validate(document), `${file} is rejected by the schema now: take it off the list`);
        continue;
      }
      assert.equal(validate(parse(text)), false, `${file} passes the schema`);
    }
  });
});
