import { z } from 'zod';

/** `endpoints[1].timeout` style, as an SRE would write the path by hand. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(top level)' : out;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let node = data;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}

const ARTICLE: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
};

/** Finds the object schema at a path so an unknown-key message can list what is allowed there. */
export function objectShapeAt(schema: z.ZodTypeAny, path: readonly (string | number)[], data: unknown): string[] | null {
  let current: z.ZodTypeAny = schema;
  let node: unknown = data;
  for (let i = 0; ; i++) {
    current = unwrapSchema(current, node);
    if (i === path.length) break;
    const part = path[i];
    if (current instanceof z.ZodObject) {
      const next = (current.shape as Record<string, z.ZodTypeAny>)[String(part)];
      if (!next) return null;
      current = next;
    } else if (current instanceof z.ZodArray) {
      current = current.element as z.ZodTypeAny;
    } else if (current instanceof z.ZodRecord) {
      current = current.valueSchema as z.ZodTypeAny;
    } else return null;
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[part] : undefined;
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape as object) : null;
}

/** The schema a value is checked against once defaults, optionals, effects and the discriminator are looked through. */
export function unwrapSchema(schema: z.ZodTypeAny, data: unknown): z.ZodTypeAny {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodDefault) current = current._def.innerType as z.ZodTypeAny;
    else if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodTypeAny;
    else if (current instanceof z.ZodEffects) current = current.innerType() as z.ZodTypeAny;
    else if (current instanceof z.ZodDiscriminatedUnion) {
      const key = (data as Record<string, unknown> | null)?.[current.discriminator as string];
      const option = current.optionsMap.get(key as never) as z.ZodTypeAny | undefined;
      if (!option) return current;
      current = option;
    } else return current;
  }
}

export interface ConfigProblem {
  path: (string | number)[];
  message: string;
}

/** Turns zod issues into one plain sentence each: what was expected, and what was found. */
export function describeIssues(error: z.ZodError, schema: z.ZodTypeAny, data: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const found = valueAt(data, issue.path);
    switch (issue.code) {
      case z.ZodIssueCode.unrecognized_keys: {
        const allowed = objectShapeAt(schema, issue.path, data);
        for (const key of issue.keys) {
          problems.push({
            path: [...issue.path, key],
            message: `unknown key${allowed ? ` (allowed here: ${allowed.join(', ')})` : ''}`,
          });
        }
        break;
      }
      case z.ZodIssueCode.invalid_type: {
        if (issue.received === 'undefined') {
          problems.push({ path: issue.path, message: `is required (expected ${ARTICLE[issue.expected] ?? issue.expected})` });
        } else {
          problems.push({ path: issue.path, message: `expected ${ARTICLE[issue.expected] ?? issue.expected}, got ${describeValue(found)}` });
        }
        break;
      }
      case z.ZodIssueCode.invalid_enum_value:
        problems.push({ path: issue.path, message: `expected one of ${issue.options.map(String).join(', ')}, got ${describeValue(found)}` });
        break;
      case z.ZodIssueCode.invalid_union_discriminator:
        problems.push({ path: issue.path, message: `expected one of ${issue.options.map(String).join(', ')}, got ${describeValue(found)}` });
        break;
      case z.ZodIssueCode.invalid_union: {
        // Prefer the branch that got furthest; a duration given as true reads better as "expected a duration".
        const custom = issue.unionErrors.flatMap((e) => e.issues).find((i) => i.code === z.ZodIssueCode.custom);
        const message =
          custom?.message ??
          `expected ${issue.unionErrors
            .flatMap((e) => e.issues)
            .map((i) => (i.code === 'invalid_type' ? (ARTICLE[i.expected] ?? i.expected) : i.message))
            .join(' or ')}, got ${describeValue(found)}`;
        problems.push({ path: issue.path, message: custom ? message : message });
        break;
      }
      default: {
        const text = issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
        const mentionsValue = text.includes('got ');
        problems.push({ path: issue.path, message: mentionsValue || found === undefined ? text : `${text}, got ${describeValue(found)}` });
      }
    }
  }
  return problems;
}
