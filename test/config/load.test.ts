import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig, parseConfigText } from '../../src/config/load.js';
import { parseDuration } from '../../src/model/settings/duration.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'config');

describe('invalid config fixtures', () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'));
  test('there are at least ten', () => assert.ok(files.length >= 10, `only ${files.length}`));
  for (const file of files) {
    test(file, () => {
      const text = readFileSync(join(FIXTURES, file), 'utf8');
      const expected = /^# expect: (.*)$/m.exec(text)?.[1];
      assert.ok(expected, 'fixture must say what it expects');
      assert.throws(
        () => parseConfigText(text, file, { env: {} }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.ok(
            err.problems.some((p) => p.includes(expected)),
            `got:\n${err.problems.join('\n')}`,
          );
          // every problem says where it came from
          assert.ok(
            err.problems.every((p) => p.includes(file) || p.startsWith('(top level)')),
            err.problems.join('\n'),
          );
          return true;
        },
      );
    });
  }
});

describe('config loading', () => {
  test('the shipped config.yaml equals the built-in defaults, except that it names OpenAI and GitHub', () => {
    const shipped = parseConfigText(readFileSync(join(FIXTURES, '..', '..', '..', 'config.yaml'), 'utf8'), 'config.yaml', { env: {} });
    const builtIn = parseConfigText('external: { openai: {}, github: {} }\n', 'named.yaml', { env: {} });
    assert.deepEqual(shipped, builtIn);
  });

  test('OpenAI and GitHub are probed only when named in the config or given in the environment', () => {
    const enabled = (yaml: string, env: Record<string, string> = {}): string => {
      const { openai, github } = parseConfigText(yaml, 'c.yaml', { env }).external;
      return `${openai.enabled} ${github.enabled}`;
    };
    assert.equal(enabled('target: http://api.test\n'), 'false false');
    assert.equal(enabled('external: { openai: {} }\n'), 'true false');
    assert.equal(enabled('', { GITHUB_TOKEN: 'ghp_x', OPENAI_BASE_URL: 'http://llm.test/v1' }), 'true true');
    assert.equal(enabled('external: { openai: { enabled: false } }\n', { OPENAI_API_KEY: 'sk-x' }), 'false false');
  });

  test('a file holding just target is valid, and the rest defaults to the runbook', () => {
    const config = parseConfigText('target: http://api.test:8000\n', 'c.yaml', { env: {} });
    assert.equal(config.target, 'http://api.test:8000');
    assert.deepEqual(
      config.endpoints.map((e) => e.path),
      ['/health', '/v1/papers?limit=10', '/v1/papers/near?text_query=quantum&k=5'],
    );
    assert.equal(config.kubernetes.selector, 'app=deeptech-api');
    assert.equal(config.daemon.interval, 15_000);
    assert.equal(config.incidents.verifyWindow, 30 * 60_000);
  });

  test('${VAR} and ${VAR:-default} interpolate, whole references keep their YAML type', () => {
    const text = 'target: ${API_URL:-http://fallback:1}\ndaemon:\n  port: ${PORT:-9000}\nservice: "svc-${ENV_NAME}"\n';
    const withEnv = parseConfigText(text, 'c.yaml', { env: { API_URL: 'http://from-env:2', PORT: '9100', ENV_NAME: 'prod' } });
    assert.equal(withEnv.target, 'http://from-env:2');
    assert.equal(withEnv.daemon.port, 9100);
    assert.equal(withEnv.service, 'svc-prod');
    const without = parseConfigText(text, 'c.yaml', { env: {} });
    assert.equal(without.target, 'http://fallback:1');
    assert.equal(without.daemon.port, 9000);
  });

  test('config is frozen after validation', () => {
    const config = parseConfigText('', 'c.yaml', { env: {} });
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.endpoints[0]));
  });

  test('every problem is reported at once', () => {
    try {
      parseConfigText('foo: 1\ndaemon:\n  port: x\n  interval: soon\n', 'c.yaml', { env: {} });
      assert.fail('should throw');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 3, err.problems.join('\n'));
      assert.match(err.problems.join('\n'), /c\.yaml:3/);
    }
  });

  test('20 000 endpoints fit in one config; a longer list is refused with its length and line', () => {
    const endpoints = (n: number): string => Array.from({ length: n }, (_, i) => `  - { name: e${i}, path: /${i} }\n`).join('');
    const config = parseConfigText(`target: http://127.0.0.1:9\nendpoints:\n${endpoints(20_000)}`, 'big.yaml', { env: {} });
    assert.equal(config.endpoints.length, 20_000);
    assert.throws(
      () => parseConfigText(`target: http://127.0.0.1:9\nendpoints: [${Array(25_001).fill('0').join(',')}]\n`, 'long.yaml', { env: {} }),
      (err: unknown) =>
        err instanceof ConfigError && err.problems.some((p) => /^endpoints: 25001 entries, more than the 25000 .*\(long\.yaml:2\)$/.test(p)),
    );
  });

  test('explicit missing file names the file; no file means built-in defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rp-config-'));
    await assert.rejects(loadConfig({ file: 'nope.yaml', cwd: dir, env: {} }), /nope\.yaml: cannot read config file: no such file/);
    assert.equal((await loadConfig({ cwd: dir, env: {} })).source, 'built-in defaults');
    await writeFile(join(dir, 'config.yaml'), 'target: http://picked-up:1\n');
    assert.equal((await loadConfig({ cwd: dir, env: {} })).config.target, 'http://picked-up:1');
    assert.equal((await loadConfig({ cwd: dir, env: {}, overrides: { target: 'http://flag:2' } })).config.target, 'http://flag:2');
  });

  test('durations', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('15s'), 15_000);
    assert.equal(parseDuration('30m'), 1_800_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('fast'), null);
    assert.equal(parseDuration('10'), null);
  });
});
