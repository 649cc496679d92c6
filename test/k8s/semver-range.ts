/**
 * Just enough of npm's range grammar to read `engines.node` fields (>=, >, <, <=, ^, ~, x-ranges, ||), so the
 * engines test needs no package of its own. An unknown form throws rather than passing silently.
 */
type Version = [number, number, number];

const parseVersion = (text: string): Version => {
  const [a = 0, b = 0, c = 0] = text.split('.').map(Number);
  return [a, b, c];
};
const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
const COMPARATOR_RE = /^(>=|<=|>|<|\^|~|=)?v?(\d+|[x*])(?:\.(\d+|[x*]))?(?:\.(\d+|[x*]))?$/;

function meets(version: Version, comparator: string): boolean {
  if (comparator === '*' || comparator === '') return true;
  const match = COMPARATOR_RE.exec(comparator);
  if (!match) throw new Error(`unsupported range comparator "${comparator}"`);
  const [, op = '=', ...parts] = match;
  const given = parts.map((p) => (p === undefined || p === 'x' || p === '*' ? undefined : Number(p)));
  if (given[0] === undefined) return true;
  const bound: Version = [given[0], given[1] ?? 0, given[2] ?? 0];
  const order = compare(version, bound);
  switch (op) {
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '^':
      return order >= 0 && version[0] === bound[0];
    case '~':
      return order >= 0 && version[0] === bound[0] && (given[1] === undefined || version[1] === bound[1]);
    default:
      return given.every((part, i) => part === undefined || part === version[i]);
  }
}

export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  return range.split('||').some((alternative) =>
    alternative
      .trim()
      .replace(/([<>=^~]+)\s+/g, '$1')
      .split(/\s+/)
      .every((comparator) => meets(v, comparator)),
  );
}
