import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { configSchema } from '../../src/config/schema.js';
import { root } from './error-codes-page.js';

/** the object schema under defaults, optionals and refinements, or null for anything else */
function objectOf(schema: z.ZodTypeAny): z.AnyZodObject | null {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodObject) return current as z.AnyZodObject;
    if (current instanceof z.ZodDefault) current = current._def.innerType as z.ZodTypeAny;
    else if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodTypeAny;
    else if (current instanceof z.ZodEffects) current = current.innerType() as z.ZodTypeAny;
    else return null;
  }
}

/** the top-level keys, then every leaf reachable through objects: `kubernetes.namespace`, `kubernetes.leaderElection.enabled`, … */
function keyPaths(schema: z.ZodTypeAny, prefix = ''): string[] {
  const object = objectOf(schema);
  if (!object) return [];
  return Object.entries(object.shape as Record<string, z.ZodTypeAny>).flatMap(([key, child]) => {
    const path = `${prefix}${key}`;
    const below = keyPaths(child, `${path}.`);
    return prefix === '' || below.length === 0 ? [path, ...below] : below;
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('reference pages', () => {
  test('docs/configuration.md names every configuration key', () => {
    const page = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
    const paths = keyPaths(configSchema());
    assert.ok(paths.includes('incidents.apiToken') && paths.includes('daemon.probeTargets'), 'the key walk reaches the sections');
    const missing = paths.filter((path) => !page.includes(`\`${path}\``));
    assert.deepEqual(missing, [], 'keys missing from docs/configuration.md');
  });

  test('docs/metrics.md names every probe_* metric the source exports', () => {
    const page = readFileSync(join(root, 'docs', 'metrics.md'), 'utf8');
    const names = new Set<string>();
    for (const file of [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'probes'))]) {
      for (const match of readFileSync(file, 'utf8').matchAll(/['"`](probe_[a-z0-9_]+)['"`]/g)) names.add(match[1]);
    }
    assert.ok(names.has('probe_success') && names.has('probe_db_up'), 'the scan finds metric names');
    const missing = [...names].filter((name) => !page.includes(`\`${name}\``)).sort();
    assert.deepEqual(missing, [], 'metrics missing from docs/metrics.md');
  });
});
