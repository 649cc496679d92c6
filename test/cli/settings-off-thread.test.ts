import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseCli } from '../../src/cli/args.js';
import { loadSettings, loadSettingsForReload, loadSettingsOffThread, OFF_THREAD_FROM_BYTES, reloadsOffThread } from '../../src/cli/settings.js';
import { ConfigError } from '../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'rp-settings-thread-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { API_URL: 'http://127.0.0.1:9' };

function configFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const manyEndpoints = (n: number): string =>
  `endpoints:\n${Array.from({ length: n }, (_, i) => `  - { name: ep-${i}, path: "/health?i=${i}" }`).join('\n')}\nkubernetes: { enabled: false }\n`;

/** what a promise costs the main thread: its longest stretch without an event-loop turn, and its whole time */
async function blocking<T>(work: () => Promise<T>): Promise<{ value: T; longestMs: number; totalMs: number }> {
  let longest = 0;
  let last = performance.now();
  let done = false;
  const turns = (async () => {
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }
  })();
  const started = performance.now();
  try {
    const value = await work();
    return { value, longestMs: Math.max(longest, performance.now() - last), totalMs: performance.now() - started };
  } finally {
    done = true;
    await turns;
  }
}

describe('a reload loads the configuration on a worker thread', () => {
  test('the same config as the main thread loads, frozen', async () => {
    const args = parseCli(['daemon', '--config', join(process.cwd(), 'config.yaml')]);
    const [inline, threaded] = [await loadSettings(args, env), await loadSettingsOffThread(args, env, new AbortController().signal)];
    assert.deepEqual(threaded.config, inline.config);
    assert.equal(threaded.source, inline.source);
    assert.ok(Object.isFrozen(threaded.config) && Object.isFrozen(threaded.config.endpoints[0]));
  });

  test('the same errors, with their code and every problem', async () => {
    const broken = configFile('broken.yaml', 'daemon: { interval: soon }\nendpoints: [{ name: a, path: nope }]\n');
    const args = parseCli(['daemon', '--config', broken]);
    const inline = await loadSettings(args, env).then(
      () => assert.fail('a broken config loads'),
      (err: unknown) => err as ConfigError,
    );
    const threaded = await loadSettingsOffThread(args, env, new AbortController().signal).then(
      () => assert.fail('a broken config loads on the worker'),
      (err: unknown) => err as ConfigError,
    );
    assert.ok(threaded instanceof ConfigError);
    assert.equal(threaded.code, inline.code);
    assert.deepEqual(threaded.problems, inline.problems);
    assert.ok(threaded.problems.length >= 2, threaded.problems.join('\n'));

    const yaml = parseCli(['daemon', '--config', configFile('yaml.yaml', 'endpoints: [\n')]);
    await assert.rejects(loadSettingsOffThread(yaml, env, new AbortController().signal), { code: 'RP_ERR_CONFIG_YAML' });
  });

  test('a large file is parsed while the event loop keeps turning', async () => {
    const args = parseCli(['daemon', '--config', configFile('large.yaml', manyEndpoints(5_000))]);
    const inline = await blocking(() => loadSettings(args, env));
    // the daemon's reload path: a 5,000-endpoint file is large enough to go to the worker
    const threaded = await blocking(() => loadSettingsForReload(args, env, new AbortController().signal));
    assert.equal(threaded.value.config.endpoints.length, 5_000);
    // on the main thread the parse is one block of most of the load; on the worker only the answer's copy is
    assert.ok(inline.longestMs > inline.totalMs / 2, `inline: longest turn ${inline.longestMs} ms of ${inline.totalMs}`);
    assert.ok(threaded.longestMs < inline.longestMs / 4, `worker: longest turn ${threaded.longestMs} ms; inline ${inline.longestMs} ms`);
  });

  test('a stop ends a load still parsing', async () => {
    const args = parseCli(['daemon', '--config', configFile('stopped.yaml', manyEndpoints(5_000))]);
    const stopping = new AbortController();
    const loading = loadSettingsOffThread(args, env, stopping.signal);
    stopping.abort(new Error('stop'));
    await assert.rejects(loading, /stopped while loading the configuration/);
    await assert.rejects(loadSettingsOffThread(args, env, stopping.signal), /stop/);
  });

  test('a small file loads inline: a worker would cost more time and memory than it saves', async () => {
    // the same valid config padded with a comment to just under, and to exactly, the size that goes to the worker
    const text = 'daemon: { interval: 10s }\n';
    const padded = (bytes: number): string => `${text}#${'x'.repeat(bytes - text.length - 2)}\n`;
    const under = parseCli(['daemon', '--config', configFile('under.yaml', padded(OFF_THREAD_FROM_BYTES - 1))]);
    const at = parseCli(['daemon', '--config', configFile('at.yaml', padded(OFF_THREAD_FROM_BYTES))]);
    assert.equal(await reloadsOffThread(under), false);
    assert.equal(await reloadsOffThread(at), true);
    assert.equal(await reloadsOffThread(parseCli(['daemon', '--config', join(process.cwd(), 'config.yaml')])), false);
    // no file named and none in the working directory: built-in defaults, inline
    const empty = mkdtempSync(join(dir, 'empty-'));
    assert.equal(await reloadsOffThread(parseCli(['daemon']), empty), false);
    // a file that cannot be read is reported inline, with the code a start reports
    const missing = parseCli(['daemon', '--config', join(dir, 'missing.yaml')]);
    assert.equal(await reloadsOffThread(missing), false);
    const started = await loadSettings(missing, env).then(
      () => assert.fail('a missing file loads'),
      (err: unknown) => err as ConfigError,
    );
    assert.match(started.code, /^RP_ERR_CONFIG_/);
    await assert.rejects(loadSettingsForReload(missing, env, new AbortController().signal), { code: started.code });
  });
});
