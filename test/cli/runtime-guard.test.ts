/** On a Node.js older than engines, `probe` says so before a dependency fails to load with an unrelated error. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, runCli } from '../helpers/cli.js';

const root = join(import.meta.dirname, '..', '..', '..');

test('a runtime older than package.json engines is named, with the range it needs, before anything else loads', async () => {
  // The running Node.js cannot be made older, so the same build gets a package.json whose floor is in the future.
  const app = mkdtempSync(join(tmpdir(), 'rp-guard-'));
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(app, 'package.json'), JSON.stringify({ ...pkg, engines: { node: '>=999.1.0' } }));
    for (const dir of ['dist/src', 'dist/probes']) cpSync(join(root, dir), join(app, dir), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(app, 'node_modules'));
    const refused = await runCli(['--version'], { cli: join(app, 'dist/src/cli.js') });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, new RegExp(`radar-probe needs Node\\.js >=999\\.1\\.0; this is ${process.version.replace(/\./g, '\\.')}`));
    assert.equal(refused.stdout, '');
    const accepted = await runCli(['--version'], { cli: CLI });
    assert.equal(accepted.code, 0, accepted.stderr);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});
