const VAR_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g;
const WHOLE_VAR_RE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\}$/;

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * A scalar that held `${...}`. Its text is never parsed again as YAML, so a secret like `@x`, `*x` or `[x` stays
 * that exact string; only a schema field that asks for a number or a boolean turns a whole reference into one.
 */
export class Interpolated {
  constructor(
    readonly text: string,
    /** the scalar was exactly one reference, so it may take the type the schema asks for */
    readonly whole: boolean,
    /** names of the variables it read, to say where a bad value came from without showing it */
    readonly vars: readonly string[],
    /** the values taken from the environment: never echoed in a problem */
    readonly values: readonly string[],
  ) {}
}

/** `${VAR}` and `${VAR:-default}` (also `${VAR-default}`), shell-style; `$${` escapes a literal `${`. */
export function interpolateString(text: string, env: Env): string {
  return interpolate(text, env).text;
}

function interpolate(text: string, env: Env): { text: string; vars: string[]; values: string[] } {
  const ESC = '\u0000';
  const vars: string[] = [];
  const values: string[] = [];
  const replaced = text
    .replaceAll('$${', ESC)
    .replace(VAR_RE, (whole, name: string, fallback: string | undefined) => {
      vars.push(name);
      const value = env[name];
      const colonForm = whole.includes(':-');
      if (value === undefined || (colonForm && value === '')) return fallback ?? '';
      values.push(value);
      return value;
    })
    .replaceAll(ESC, '${');
  return { text: replaced, vars, values };
}

/** Interpolates every string scalar in a parsed YAML tree; a scalar that held a reference becomes an Interpolated. */
export function interpolateTree(node: unknown, env: Env): unknown {
  if (typeof node === 'string') {
    if (!node.includes('${')) return node;
    const result = interpolate(node, env);
    if (result.vars.length === 0) return result.text;
    return new Interpolated(result.text, WHOLE_VAR_RE.test(node.trim()), result.vars, result.values);
  }
  if (Array.isArray(node)) return node.map((item) => interpolateTree(item, env));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateTree(value, env)]));
  }
  return node;
}
