import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, parseConfigText } from '../../src/config/load.js';
import { MAX_TIMER_MS, parseDuration } from '../../src/model/settings/duration.js';

const problemsOf = (yaml: string, env: Record<string, string> = {}): string[] => {
  try {
    parseConfigText(yaml, 'c.yaml', { env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe('interpolated values are never re-read as YAML', () => {
  for (const secret of [
    '@at',
    '*star',
    '"dq',
    "'sq",
    '[br',
    '{cb',
    '%pct',
    '|pipe',
    '>gt',
    '`tick',
    '& amp',
    '!bang',
    '- dash',
    ': colon',
    'a: b',
    '#hash',
  ]) {
    test(`a secret starting ${JSON.stringify(secret.slice(0, 2))} loads as that exact string`, () => {
      const value = `${secret}-s3cret`;
      const config = parseConfigText('incidents:\n  apiToken: ${TOKEN}\nexternal:\n  openai: { apiKey: "${TOKEN}" }\n', 'c.yaml', {
        env: { TOKEN: value },
      });
      assert.equal(config.incidents.apiToken, value);
      assert.equal(config.external.openai.apiKey, value);
    });
  }

  test('numbers and booleans only where the schema asks', () => {
    const env = { PORT: '9100', FLAG: 'false', WORD: 'true', NUM: '42' };
    const config = parseConfigText(
      'daemon: { port: "${PORT}" }\nexternal: { openai: { enabled: "${FLAG}" } }\nservice: "${WORD}"\nincidents: { apiToken: "${NUM}" }\n',
      'c.yaml',
      { env },
    );
    assert.equal(config.daemon.port, 9100);
    assert.equal(config.external.openai.enabled, false);
    assert.equal(config.service, 'true');
    assert.equal(config.incidents.apiToken, '42');
  });

  test('a bad value from the environment names the key and the variable, never the value', () => {
    const problems = problemsOf('daemon:\n  port: ${PORT}\ntarget: ${API}\n', { PORT: '@not-a-port-s3cret', API: '*also-s3cret' }).join('\n');
    assert.match(problems, /daemon\.port: .*\$\{PORT\}.*\(c\.yaml:2\)/);
    assert.match(problems, /target: .*\$\{API\}/);
    assert.doesNotMatch(problems, /s3cret/);
  });
});

describe('bounds', () => {
  test('timers above 24d and zero timeouts are refused, naming the key', () => {
    assert.match(problemsOf('daemon:\n  interval: 25d\n').join('\n'), /^daemon\.interval: must be at most 24d .*overflow/m);
    assert.match(problemsOf('timeout: 0s\n').join('\n'), /^timeout: must be greater than 0/m);
    assert.match(problemsOf(`database:\n  timeout: ${MAX_TIMER_MS + 1}\n`).join('\n'), /^database\.timeout: must be at most 24d/m);
    assert.deepEqual(problemsOf('timeout: 24d\n'), []);
    assert.equal(parseDuration('24d'), MAX_TIMER_MS);
  });

  test('URL schemes per field, no CR/LF, header names are tokens', () => {
    assert.match(problemsOf('target: ftp://x\n').join('\n'), /^target: expected an http\(s\) URL/m);
    assert.match(problemsOf('database:\n  url: http://db/x\n').join('\n'), /^database\.url: expected a postgres or postgresql URL/m);
    assert.match(
      problemsOf('endpoints:\n  - { name: a, path: "/a\\r\\nX: 1" }\n').join('\n'),
      /^endpoints\[0\]\.path: must not contain control characters/m,
    );
    assert.match(
      problemsOf('endpoints:\n  - { name: a, path: /a, headers: { "a b": x } }\n').join('\n'),
      /^endpoints\[0\]\.headers\.a b: expected a header name/m,
    );
    assert.match(
      problemsOf('notify:\n  - { type: slack, url: "javascript:alert(1)" }\n').join('\n'),
      /^notify\[0\]\.url: expected an http\(s\) URL/m,
    );
  });

  test('body cap, ordered severity bands', () => {
    assert.match(
      problemsOf('endpoints:\n  - { name: a, path: /a, maxBodyBytes: 1e300 }\n').join('\n'),
      /^endpoints\[0\]\.maxBodyBytes: must be at most 67108864/m,
    );
    assert.match(
      problemsOf('severity:\n  errorRate: { P1: 0.01, P2: 0.1, P3: 0.5 }\n').join('\n'),
      /^severity\.errorRate\.P2: must be greater than P3/m,
    );
  });

  test('alias bombs, unresolved aliases and duplicate keys are YAML errors with a line', () => {
    const bomb = `a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: [${Array(200).fill('*a').join(', ')}]\n`;
    for (const [yaml, line] of [
      [bomb, 2],
      ['x: 1\ntarget: *nope\n', 2],
      ['timeout: 1s\ntimeout: 2s\n', 2],
    ] as const) {
      assert.throws(
        () => parseConfigText(yaml, 'c.yaml', { env: {} }),
        (err: unknown) =>
          err instanceof ConfigError && err.code === 'RP_ERR_CONFIG_YAML' && err.problems[0].startsWith(`c.yaml:${line}: invalid YAML`),
      );
    }
  });

  test('10 000 unknown keys are described within the 5 s bound (the parser alone once took minutes), at most 20 listed', () => {
    const started = performance.now();
    const problems = problemsOf(Array.from({ length: 10_000 }, (_, i) => `k${i}: 1`).join('\n'));
    assert.ok(performance.now() - started < 5_000, `took ${performance.now() - started} ms`);
    assert.ok(problems.length <= 21 && problems[0].startsWith('k0: unknown key'), problems.slice(0, 3).join('\n'));
  });
});
