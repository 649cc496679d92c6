/** The image recipe, read as text (no Docker engine here): stages, user, entry point, build context. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { parseConfigText } from '../../src/config/load.js';
import { parse } from 'yaml';
import { ops, parseDockerfile, read, root } from './dockerfile.js';
import { SHIPPED_MALLOC_ENV, SHIPPED_NODE_OPTIONS } from '../../bench/shipped-runtime.js';

const stages = parseDockerfile(read('Dockerfile'));
const build = stages.find((s) => s.name === 'build');
const runtime = stages.at(-1);
const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string>; dependencies: Record<string, string> };

test('multi-stage: the build stage compiles with dev dependencies, the runtime installs production ones only', () => {
  assert.ok(stages.length >= 2, 'at least two stages');
  assert.ok(build && runtime && build !== runtime, 'a build stage and a separate final stage');
  const buildRuns = ops(build, 'RUN').join('\n');
  assert.match(buildRuns, /npm ci\b/);
  assert.match(buildRuns, /npm run build\b/);
  const runtimeRuns = ops(runtime, 'RUN').join('\n');
  assert.match(runtimeRuns, /npm ci\b[^\n]*--omit=dev/);
  assert.match(runtimeRuns, /npm ci\b[^\n]*--ignore-scripts/, '`prepare` runs tsc, which the runtime does not have');
  const copies = ops(runtime, 'COPY');
  assert.ok(
    copies.some((c) => /^--from=build \/app\/dist\/src\b/.test(c)),
    'compiled output comes from the build stage',
  );
  assert.ok(
    copies.some((c) => /^config\.yaml\b/.test(c)),
    'the default config.yaml is in the image',
  );
});

test('runs as the non-root uid the pods expect, with `probe` on PATH as ENTRYPOINT and `daemon` as CMD', () => {
  const users = ops(runtime, 'USER');
  assert.equal(users.length, 1);
  const uid = users[0]?.split(':')[0];
  assert.match(uid ?? '', /^\d+$/, 'numeric, so runAsNonRoot can verify it');
  assert.notEqual(uid, '0');
  assert.match(read('k8s/deployment.yaml'), new RegExp(`runAsUser: ${uid}\\b`), 'the Deployment runs as the image user');
  assert.deepEqual(
    ops(runtime, 'ENTRYPOINT').map((a) => JSON.parse(a) as unknown),
    [['probe']],
  );
  assert.deepEqual(
    ops(runtime, 'CMD').map((a) => JSON.parse(a) as unknown),
    [['daemon']],
  );
  assert.deepEqual(ops(runtime, 'EXPOSE'), ['9464']);
  const binTarget = `/app/${(pkg.bin.probe ?? '').replace(/^\.\//, '')}`;
  assert.match(ops(runtime, 'RUN').join('\n'), new RegExp(`ln -s ${binTarget} /usr/local/bin/probe`), 'PATH link to package.json bin');
});

test('HEALTHCHECK asks /healthz; the image, and only the image, listens on every interface', () => {
  const checks = ops(runtime, 'HEALTHCHECK');
  assert.equal(checks.length, 1, 'one HEALTHCHECK in the final stage');
  assert.match(checks[0] ?? '', /--interval=\d+s .*CMD \[.*http:\/\/127\.0\.0\.1:9464\/healthz/);
  assert.ok(
    ops(runtime, 'ENV').some((e) => /^PROBE_LISTEN=0\.0\.0\.0$/.test(e)),
    'ENV PROBE_LISTEN=0.0.0.0',
  );
  const laptop = parseConfigText(read('config.yaml'), 'config.yaml', { env: {} });
  assert.equal(laptop.daemon.listen, '127.0.0.1', 'the bundled config outside the image: loopback');
  assert.equal(parseConfigText(read('config.yaml'), 'config.yaml', { env: { PROBE_LISTEN: '0.0.0.0' } }).daemon.listen, '0.0.0.0');
});

test('the entry point carries a node shebang, so the PATH link is executable', (t) => {
  if (!existsSync(join(root, 'src/cli.ts'))) return t.skip('src/cli.ts does not exist yet');
  assert.match(read('src/cli.ts'), /^#!\/usr\/bin\/env node\n/);
});

test('.dockerignore is an allow-list that admits every file the Dockerfile copies from the context', () => {
  const patterns = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  assert.equal(patterns[0], '*', 'everything excluded first');
  const admitted = new Set(patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1).replace(/\/$/, '')));
  for (const excluded of ['node_modules', 'dist', '.git', 'data']) assert.ok(!admitted.has(excluded), `${excluded} stays out`);
  const contextCopies = stages.flatMap((s) => ops(s, 'COPY')).filter((c) => !c.startsWith('--from'));
  for (const copy of contextCopies) {
    const sources = copy
      .split(/\s+/)
      .filter((w) => !w.startsWith('--'))
      .slice(0, -1);
    for (const source of sources) assert.ok(admitted.has(source.replace(/^\.\//, '')), `.dockerignore admits ${source}`);
  }
});

/** The runtime has production dependencies only: code that runs must not import a devDependency. */
test('src/ and probes/ import only Node built-ins and production dependencies', () => {
  const files = ['src', 'probes'].flatMap((dir) =>
    (readdirSync(join(root, dir), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(root, dir, f)),
  );
  assert.ok(files.length > 0);
  const builtins = new Set(builtinModules);
  let bareImports = 0;
  const importRe = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(importRe)) {
      if (match[1]) continue; // `import type` is erased at compile time
      const specifier = match[2] ?? match[3] ?? '';
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
      bareImports++;
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '');
      assert.ok(name in pkg.dependencies, `${relative(root, file)} imports "${name}", which is not a production dependency`);
    }
  }
  assert.ok(bareImports > 0, 'the scan sees package imports');
});

test('the daemon starts with its young generation capped, in the image and in the Deployment that replaces its NODE_OPTIONS', () => {
  const cap = /(^|\s)--max-semi-space-size=8(\s|$)/;
  assert.ok(
    ops(runtime, 'ENV').some((e) => /^NODE_OPTIONS=/.test(e) && cap.test(e.slice('NODE_OPTIONS='.length))),
    'ENV NODE_OPTIONS=--max-semi-space-size=8',
  );
  const deployment = parse(read('k8s/deployment.yaml')) as {
    spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
  };
  const options = deployment.spec.template.spec.containers[0]?.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  assert.match(options, cap, 'the Deployment sets NODE_OPTIONS, which replaces the image default: it must carry the cap');
  assert.match(options, /--max-old-space-size=\d+/);
});

test('the image sets the malloc settings the benches measure, and the Deployment does not replace them', () => {
  const env = ops(runtime, 'ENV');
  for (const [key, value] of Object.entries(SHIPPED_MALLOC_ENV)) assert.ok(env.includes(`${key}=${value}`), `ENV ${key}=${value}`);
  assert.ok(env.includes(`NODE_OPTIONS=${SHIPPED_NODE_OPTIONS}`), `the benches start the daemon with the image's NODE_OPTIONS`);
  const deployment = parse(read('k8s/deployment.yaml')) as { spec: { template: { spec: { containers: { env?: { name: string }[] }[] } } } };
  const names = deployment.spec.template.spec.containers[0]?.env?.map((e) => e.name) ?? [];
  assert.deepEqual(
    names.filter((name) => name in SHIPPED_MALLOC_ENV),
    [],
  );
});
