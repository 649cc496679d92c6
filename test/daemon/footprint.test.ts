/**
 * What the daemon's code loads before any configuration asks for more (docs/performance.md "Memory"). Measured in a
 * fresh process: this test runner has loaded other things already.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const DAEMON = new URL('../../src/cli/daemon.js', import.meta.url).href;

/** Node.js's own modules and the packages (by path) that importing the daemon's code loads, in a fresh process. */
function loadedByDaemonCode(): { internals: string[]; packages: string[] } {
  const script = `import { createRequire } from 'node:module';
    await import(${JSON.stringify(DAEMON)});
    const packages = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({ internals: process.moduleLoadList, packages }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as {
    internals: string[];
    packages: string[];
  };
}

const loaded = loadedByDaemonCode();

test("the daemon's code does not load Node.js's bundled undici (fetch, WebSocket): about 12 MB resident it never uses", () => {
  const bundled = loaded.internals.filter((m) => m.includes('internal/deps/undici'));
  assert.deepEqual(bundled, [], 'an `import ... from "node:http"` builds its facade from every export, WebSocket included');
});

test('the HDR histogram library (sharded load-run merges, the load probe) loads on first use, not with the daemon', () => {
  assert.ok(
    loaded.packages.some((file) => file.includes('/node_modules/prom-client/')),
    'the scan sees the packages the daemon does load',
  );
  assert.deepEqual(
    loaded.packages.filter((file) => /\/node_modules\/(hdr-histogram-js|pako)\//.test(file)),
    [],
  );
});

test('node-cron loads with the first cron schedule: its ES module build brings the process spawner the daemon never uses', () => {
  assert.ok(loaded.internals.includes('NativeModule net'), 'the scan sees the Node.js modules the daemon does load');
  assert.deepEqual(
    loaded.internals.filter((m) => /^NativeModule (child_process|dgram)$/.test(m)),
    [],
  );
  assert.deepEqual(
    loaded.packages.filter((file) => file.includes('/node_modules/node-cron/')),
    [],
  );
});
