/** YAML text → plain data plus a way to say which line a path is on; every YAML problem becomes a ConfigError. */
import { LineCounter, isMap, isScalar, parseDocument, visit, type Document } from 'yaml';
import { ConfigError, MAX_PROBLEMS } from './errors.js';

/** Anchors re-used more than this are an alias bomb (a few lines expanding to gigabytes), not a config. */
export const MAX_ALIAS_COUNT = 100;
const MAX_MESSAGE = 160;

export interface ParsedYaml {
  value: unknown;
  /** `file:line` of the deepest node on the path that exists, or null */
  locate: (path: readonly (string | number)[]) => string | null;
}

/** The first line of a parser message, bounded: the rest quotes the source, which may hold a secret. */
function shortMessage(message: string): string {
  const first = message.split('\n')[0] ?? message;
  const bare = first.replace(/ at line \d+, column \d+:?$/, '');
  return bare.length > MAX_MESSAGE ? `${bare.slice(0, MAX_MESSAGE)}…` : bare;
}

type Range = [number, number, number] | null | undefined;

/**
 * Duplicate keys, found in one pass with a set per mapping (the parser's own uniqueKeys check compares every pair:
 * 100 000 keys took minutes).
 */
function duplicateKeys(doc: Document, where: (range: Range) => string): string[] {
  const problems: string[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key) && problems.length <= MAX_PROBLEMS) {
          problems.push(
            `${where((pair.key as { range?: Range } | null)?.range)}: invalid YAML: duplicate key ${JSON.stringify(String(key)).slice(0, 60)}`,
          );
        }
        seen.add(key);
      }
    },
  });
  return problems;
}

/**
 * Lines plus flow separators a document may have: what YAML parsing time grows with (it cannot be interrupted, not
 * even by SIGTERM). 20,000 endpoints of several lines each fit; a few MiB of one-character entries, which would take
 * the parser tens of seconds, do not.
 */
export const MAX_YAML_SEPARATORS = 150_000;

function separatorsIn(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 44) n++;
  }
  return n;
}

export function parseYaml(text: string, sourceName: string): ParsedYaml {
  const separators = separatorsIn(text);
  if (separators > MAX_YAML_SEPARATORS) {
    const problem = `${sourceName}: ${separators} lines and commas, more than the ${MAX_YAML_SEPARATORS} a config file may hold`;
    throw new ConfigError([problem], 'RP_ERR_CONFIG_TOO_LARGE');
  }
  const lineCounter = new LineCounter();
  const where = (range: Range): string => (range ? `${sourceName}:${lineCounter.linePos(range[0]).line}` : sourceName);
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const syntax = doc.errors.map((e) => `${where(e.pos ? [e.pos[0], e.pos[1], e.pos[1]] : null)}: invalid YAML: ${shortMessage(e.message)}`);
  const problems = syntax.length > 0 ? syntax : duplicateKeys(doc, where);
  if (problems.length > 0) throw new ConfigError(problems, 'RP_ERR_CONFIG_YAML');
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // unresolved aliases and alias bombs surface here, as ReferenceError
    const message = (err as Error).message;
    const unresolved = /^Unresolved alias.*: (\S+)$/.exec(message)?.[1] ?? null;
    throw new ConfigError([`${where(findAlias(doc, unresolved))}: invalid YAML: ${shortMessage(message)}`], 'RP_ERR_CONFIG_YAML');
  }
  const locate = (path: readonly (string | number)[]): string | null => {
    for (let depth = path.length; depth > 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as { range?: Range } | undefined;
      if (node?.range) return where(node.range);
      // an unknown key has no value node at its own path until we look at the parent map's pair
      const parent = depth > 1 ? doc.getIn(path.slice(0, depth - 1), true) : doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === path[depth - 1]);
        const keyRange = (pair?.key as { range?: Range } | undefined)?.range;
        if (keyRange) return where(keyRange);
      }
    }
    return null;
  };
  return { value, locate };
}

/** The range of the first alias (naming `source` when given), so an alias error says its line. */
function findAlias(doc: Document, source: string | null): Range {
  let found: Range = null;
  visit(doc, {
    Alias(_key, alias) {
      if (source === null || alias.source === source) {
        found = alias.range;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}
