/**
 * What the daemon's code loads before any configuration asks for more (docs/performance.md "Memory"). Measured in a
 * fresh process: this test runner has loaded other things already.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const DAEMON = new URL('../../src/cli/daemon.js', import.meta.url).href;

test("the daemon's code does not load Node.js's bundled undici (fetch, WebSocket): about 12 MB resident it never uses", () => {
  const script = `await import(${JSON.stringify(DAEMON)}); console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('internal/deps/undici'))));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
  assert.deepEqual(loaded, [], 'an `import ... from "node:http"` builds its facade from every export, WebSocket included');
});
