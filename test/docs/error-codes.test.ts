import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ERROR_CODES } from '../../src/model/errors.js';
import { PAGE, renderErrorCodesPage, sections } from './error-codes-page.js';

describe('docs/error-codes.md', () => {
  test('equals the table in src/model/errors.ts (run npm run docs:errors after changing it)', () => {
    assert.equal(readFileSync(PAGE, 'utf8'), renderErrorCodesPage());
  });

  test('lists every code once, with its meaning', () => {
    const page = readFileSync(PAGE, 'utf8');
    for (const [code, meaning] of Object.entries(ERROR_CODES)) {
      const rows = page.split('\n').filter((line) => line.startsWith(`| \`${code}\` |`));
      assert.deepEqual(rows, [`| \`${code}\` | ${meaning.replace(/\|/g, '\\|')} |`], code);
    }
  });

  test('a code the page does not know, or a changed meaning, makes the pages differ', () => {
    const source = readFileSync(new URL('../../../src/model/errors.ts', import.meta.url), 'utf8');
    const added = source.replace('  RP_ERR_INTERNAL:', "  RP_ERR_NEW_THING: 'something new',\n  RP_ERR_INTERNAL:");
    assert.notEqual(renderErrorCodesPage({ ...ERROR_CODES, RP_ERR_NEW_THING: 'something new' }, added), renderErrorCodesPage());
    assert.notEqual(renderErrorCodesPage({ ...ERROR_CODES, RP_ERR_DNS: 'changed' }), renderErrorCodesPage());
    assert.throws(() => renderErrorCodesPage({ ...ERROR_CODES, RP_ERR_NOT_IN_SOURCE: 'x' }), /RP_ERR_NOT_IN_SOURCE/);
    assert.ok(sections(source).some((s) => s.heading === 'usage and configuration' && s.codes.includes('RP_ERR_USAGE')));
  });
});
