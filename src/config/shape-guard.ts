/**
 * Bounds on a document's shape, checked before anything else walks it: nesting depth (recursion), keys per mapping
 * (a file of 50 000 unknown keys must be described in milliseconds, not minutes) and entries per list.
 */
import { configSchema } from './schema.js';
import { ConfigError, MAX_PROBLEMS } from './errors.js';
import { formatPath, objectShapeAt } from './issues.js';

/** Deeper than any real config. */
export const MAX_DEPTH = 64;
/** More keys than any section or header map holds. */
export const MAX_KEYS = 1_000;
/** Lists are longer: 20 000 endpoints probed by one process, with room. */
export const MAX_LIST_ENTRIES = 25_000;

type Locate = (path: readonly (string | number)[]) => string | null;

function at(path: readonly (string | number)[], message: string, locate?: Locate): string {
  const where = locate?.(path);
  return `${formatPath(path)}: ${message}${where ? ` (${where})` : ''}`;
}

function tooMany(document: unknown, path: (string | number)[], keys: string[], locate?: Locate): ConfigError {
  const allowed = objectShapeAt(configSchema(), path, document);
  const unknown = allowed ? keys.filter((key) => !allowed.includes(key)) : [];
  const problems = unknown.slice(0, MAX_PROBLEMS).map((key) => at([...path, key], `unknown key (allowed here: ${allowed?.join(', ')})`, locate));
  const more = unknown.length > MAX_PROBLEMS ? ` (${unknown.length - MAX_PROBLEMS} more unknown keys not listed)` : '';
  problems.push(at(path, `${keys.length} keys, more than the ${MAX_KEYS} a config mapping may hold${more}`, locate));
  return new ConfigError(problems);
}

function tooLong(path: (string | number)[], entries: number, locate?: Locate): ConfigError {
  return new ConfigError([at(path, `${entries} entries, more than the ${MAX_LIST_ENTRIES} a config list may hold`, locate)]);
}

/** Throws ConfigError when the document nests deeper than MAX_DEPTH, a mapping exceeds MAX_KEYS or a list MAX_LIST_ENTRIES. */
export function checkDocumentShape(document: unknown, locate?: Locate): void {
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (node === null || typeof node !== 'object') return;
    if (path.length >= MAX_DEPTH) {
      throw new ConfigError([
        `${formatPath(path.slice(0, 8))}…: nesting deeper than ${MAX_DEPTH} levels${locate?.(path) ? ` (${locate(path)})` : ''}`,
      ]);
    }
    if (Array.isArray(node) && node.length > MAX_LIST_ENTRIES) throw tooLong(path, node.length, locate);
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    if (!Array.isArray(node) && entries.length > MAX_KEYS)
      throw tooMany(
        document,
        path,
        entries.map(([k]) => k as string),
        locate,
      );
    for (const [key, value] of entries) walk(value, [...path, key]);
  };
  walk(document, []);
}
