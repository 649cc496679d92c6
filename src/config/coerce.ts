/** Gives each interpolated scalar the type its schema field asks for: text, or a number/boolean only where wanted. */
import { z } from 'zod';
import { Interpolated } from './interpolate.js';
import { unwrapSchema } from './issues.js';

const NUMBER_RE = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;
const BOOLEAN: Record<string, boolean> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };

/** Where environment values landed: path key → the variables, so a problem can name them instead of the value. */
export type EnvOrigins = Map<string, readonly string[]>;

export const pathKey = (path: readonly (string | number)[]): string => JSON.stringify(path);

function typed(schema: z.ZodTypeAny, text: string): unknown {
  if (schema.safeParse(text).success) return text;
  const inner = unwrapSchema(schema, text);
  const number = NUMBER_RE.test(text.trim()) ? Number(text) : undefined;
  if (number !== undefined && (inner instanceof z.ZodNumber || schema.safeParse(number).success)) return number;
  const boolean = BOOLEAN[text.trim()];
  if (boolean !== undefined && (inner instanceof z.ZodBoolean || schema.safeParse(boolean).success)) return boolean;
  return text;
}

function childSchema(schema: z.ZodTypeAny | null, node: unknown, key: string | number): z.ZodTypeAny | null {
  if (schema === null) return null;
  const inner = unwrapSchema(schema, node);
  if (inner instanceof z.ZodArray) return inner.element as z.ZodTypeAny;
  if (inner instanceof z.ZodRecord) return inner.valueSchema as z.ZodTypeAny;
  if (inner instanceof z.ZodObject) return (inner.shape as Record<string, z.ZodTypeAny>)[String(key)] ?? null;
  return null;
}

/** Replaces every Interpolated in the tree with a plain value, recording where each came from. */
export function coerceInterpolated(schema: z.ZodTypeAny | null, node: unknown, origins: EnvOrigins, path: (string | number)[] = []): unknown {
  if (node instanceof Interpolated) {
    origins.set(pathKey(path), node.vars);
    return node.whole && schema !== null ? typed(schema, node.text) : node.text;
  }
  if (Array.isArray(node)) return node.map((item, index) => coerceInterpolated(childSchema(schema, node, index), item, origins, [...path, index]));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, coerceInterpolated(childSchema(schema, node, key), value, origins, [...path, key])]),
    );
  }
  return node;
}

/** Every value the environment supplied, so problem text can be scrubbed of them. */
export function collectEnvValues(node: unknown, into: Set<string> = new Set()): Set<string> {
  if (node instanceof Interpolated) for (const value of node.values) into.add(value);
  else if (Array.isArray(node)) for (const item of node) collectEnvValues(item, into);
  else if (node !== null && typeof node === 'object') for (const value of Object.values(node)) collectEnvValues(value, into);
  return into;
}
