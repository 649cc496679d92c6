/**
 * Renders docs/error-codes.md from the one table in src/model/errors.ts: the codes and meanings from ERROR_CODES, the
 * sections from the table's own `// heading` comments. `npm run docs:errors` writes the page; the test keeps it equal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '../../src/model/errors.js';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const PAGE = join(root, 'docs', 'error-codes.md');
const SOURCE = join(root, 'src', 'model', 'errors.ts');

/** What a code in each section of the table does to a run; a section not listed here is a probe result. */
const EFFECT: Record<string, string> = {
  'usage and configuration':
    'A one-shot run stops before probing and exits 2; a daemon reload with such a problem is refused and the previous config keeps running.',
  'incidents and notification': 'Daemon only: logged, retried, or answered as an HTTP 4xx by the incidents API; never an exit code.',
  'anything else': 'A bug or an unexpected failure: a one-shot run exits 3; the daemon logs it and keeps running.',
};
const RESULT_EFFECT = 'A probe result, not a crash (`status` fail or error with `error.code`); a one-shot run exits 1 when it fails the gate.';

/** `// heading` comments inside the ERROR_CODES literal, in order, with the codes under each */
export function sections(source: string): { heading: string; codes: string[] }[] {
  const start = source.indexOf('export const ERROR_CODES');
  const body = source.slice(start, source.indexOf('} as const', start));
  const out: { heading: string; codes: string[] }[] = [];
  for (const line of body.split('\n')) {
    const heading = /^\s*\/\/\s*(.+?)\s*$/.exec(line);
    if (heading) out.push({ heading: heading[1].replace(/\s*\(exit \d\)$/, ''), codes: [] });
    const code = /^\s*(RP_ERR_[A-Z0-9_]+)\s*:/.exec(line);
    if (code) {
      if (out.length === 0) out.push({ heading: 'other', codes: [] });
      out[out.length - 1].codes.push(code[1]);
    }
  }
  return out;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

export function renderErrorCodesPage(codes: Readonly<Record<string, string>> = ERROR_CODES, source = readFileSync(SOURCE, 'utf8')): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from src/model/errors.ts by `npm run docs:errors`; test/docs/error-codes.test.ts keeps it equal. -->',
    '',
    'Every failure carries a stable code: in `--json` output (`probes[].error.code`), in log lines (`code`), in the',
    '`probe_failure_info{reason}` metric and at the end of every CLI error message (`[RP_ERR_…]`). Codes are added, never',
    'renamed. Exit codes of a one-shot run: `0` passed, `1` the scenario failed its gate, `2` usage or config error, `3`',
    'internal error.',
    '',
  ];
  const listed = new Set<string>();
  for (const { heading, codes: names } of sections(source)) {
    lines.push(`## ${heading[0].toUpperCase()}${heading.slice(1)}`, '', EFFECT[heading] ?? RESULT_EFFECT, '', '| code | meaning |', '| --- | --- |');
    for (const name of names) {
      listed.add(name);
      lines.push(`| \`${name}\` | ${cell(codes[name] ?? '(missing from ERROR_CODES)')} |`);
    }
    lines.push('');
  }
  const unlisted = Object.keys(codes).filter((name) => !listed.has(name));
  if (unlisted.length > 0) throw new Error(`codes not found in the source of ERROR_CODES: ${unlisted.join(', ')}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  writeFileSync(PAGE, renderErrorCodesPage());
  process.stdout.write(`wrote ${PAGE}\n`);
}
