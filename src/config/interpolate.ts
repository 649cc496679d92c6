import { parse as parseYamlScalar } from 'yaml';

const VAR_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g;
const WHOLE_VAR_RE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-[^}]*)?\}$/;

export type Env = Readonly<Record<string, string | undefined>>;

/** `${VAR}` and `${VAR:-default}` (also `${VAR-default}`), shell-style; `$${` escapes a literal `${`. */
export function interpolateString(text: string, env: Env): string {
  const ESC = '\u0000';
  return text
    .replaceAll('$${', ESC)
    .replace(VAR_RE, (whole, name: string, fallback: string | undefined) => {
      const value = env[name];
      const colonForm = whole.includes(':-');
      if (value === undefined || (colonForm && value === '')) return fallback ?? '';
      return value;
    })
    .replaceAll(ESC, '${');
}

/**
 * Interpolates every string scalar in a parsed YAML tree. A scalar that is a single `${...}` reference is re-read
 * as YAML so `port: ${PORT:-9464}` becomes the number 9464, as it would have had the value been written inline.
 */
export function interpolateTree(node: unknown, env: Env): unknown {
  if (typeof node === 'string') {
    if (!node.includes('${')) return node;
    const replaced = interpolateString(node, env);
    if (WHOLE_VAR_RE.test(node.trim()) && replaced !== '') {
      const reread: unknown = parseYamlScalar(replaced);
      if (typeof reread === 'number' || typeof reread === 'boolean') return reread;
    }
    return replaced;
  }
  if (Array.isArray(node)) return node.map((item) => interpolateTree(item, env));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateTree(value, env)]));
  }
  return node;
}
