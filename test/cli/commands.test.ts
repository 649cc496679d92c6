import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

function configFile(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rp-cfg-'));
  const file = join(dir, 'probe.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

describe('probe commands', () => {
  test('--help lists the scenarios and exit codes', async () => {
    const run = await runCli(['--help']);
    assert.equal(run.code, 0);
    for (const word of ['assess', 'outage', 'errors', 'latency', 'endpoint', 'verify', 'smoke', 'full', 'check-config', 'Exit codes'])
      assert.match(run.stdout, new RegExp(word));
  });

  test('--version', async () => {
    const run = await runCli(['--version']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^radar-probe \d+\.\d+\.\d+/);
  });

  test('check-config on a valid file', async () => {
    const { file } = configFile('target: http://api.internal:8000\n');
    const run = await runCli(['check-config', '--config', file]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /config OK/);
    assert.match(run.stdout, /http:\/\/api\.internal:8000/);
  });

  test('check-config prints every problem with its path, then exits 2', async () => {
    const { file } = configFile(
      'targte: http://x\nendpoints:\n  - { name: a, path: /a }\n  - { name: b, path: /b, timeout: fast }\ndaemon: { port: high }\n',
    );
    const run = await runCli(['check-config', '--config', file]);
    assert.equal(run.code, 2);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 3, run.stderr);
    assert.match(run.stderr, /targte: unknown key/);
    assert.match(run.stderr, /endpoints\[1\]\.timeout: expected a duration like 5s, got "fast"/);
    assert.match(run.stderr, /daemon\.port: expected a number, got "high"/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  });

  test('an unknown config key fails a scenario run with exit 2 naming the key', async () => {
    const { file } = configFile('target: http://127.0.0.1:1\nendpionts: []\n');
    const run = await runCli(['--scenario', 'smoke', '--config', file]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /endpionts: unknown key/);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });

  test('a bad config value fails with exit 2 naming the key', async () => {
    const { file } = configFile('load:\n  connections: -3\n');
    const run = await runCli(['--scenario', 'latency', '--config', file]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /load\.connections: number must be greater than 0, got -3/);
  });

  test('no command and no scenario is a usage error', async () => {
    const run = await runCli([]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--scenario is required/);
  });
});
