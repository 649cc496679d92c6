import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const checker = join(root, 'scripts', 'check-cycles.mjs');

/** a throwaway source tree: path → file text */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cycles-'));
  await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } }));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

function check(dir: string, known = 'none'): { code: number | null; stderr: string; stdout: string } {
  const run = spawnSync(process.execPath, [checker, 'src', '--config', join(root, '.dependency-cruiser.cjs'), '--known', known], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { code: run.status, stderr: run.stderr, stdout: run.stdout };
}

describe('import cycle check', () => {
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  test('imports that only point down pass', async () => {
    const dir = await tree({
      'src/high/a.ts': "import { b } from '../low/b.js';\nexport const a = b;\n",
      'src/low/b.ts': 'export const b = 1;\n',
    });
    dirs.push(dir);
    const { code, stdout, stderr } = check(dir);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /0 new cycle/);
  });

  test('two files importing each other fail', async () => {
    const dir = await tree({
      'src/one/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/one/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    dirs.push(dir);
    const { code, stderr } = check(dir);
    assert.equal(code, 1);
    assert.match(stderr, /no-file-cycle: src\/one\/a\.ts → src\/one\/b\.ts → src\/one\/a\.ts/);
  });

  test('two folders importing each other fail even when no file does', async () => {
    // incidents/manager → notify/outbox and notify/types → incidents/types: no file cycle, but the layers point both ways
    const dir = await tree({
      'src/incidents/manager.ts': "import { outbox } from '../notify/outbox.js';\nexport const manager = outbox;\n",
      'src/incidents/types.ts': 'export type Incident = { id: string };\n',
      'src/notify/outbox.ts': 'export const outbox = [];\n',
      'src/notify/types.ts': "import type { Incident } from '../incidents/types.js';\nexport type Note = Incident;\n",
    });
    dirs.push(dir);
    const { code, stderr } = check(dir);
    assert.equal(code, 1);
    assert.doesNotMatch(stderr, /no-file-cycle/);
    assert.match(stderr, /no-folder-cycle: src\/(incidents|notify) → src\/(notify|incidents) → src\/\1/);
  });

  test('an allow-listed import is reported as known, and a listed import that closes no cycle fails as stale', async () => {
    const dir = await tree({
      'src/one/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/one/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'known.mjs': "export const knownCycleEdges = [{ rule: 'no-file-cycle', from: 'src/one/b.ts', to: 'src/one/a.ts' }];\n",
      'stale.mjs':
        "export const knownCycleEdges = [{ rule: 'no-file-cycle', from: 'src/one/b.ts', to: 'src/one/a.ts' }, { rule: 'no-file-cycle', from: 'src/x.ts', to: 'src/y.ts' }];\n",
    });
    dirs.push(dir);
    const known = check(dir, join(dir, 'known.mjs'));
    assert.equal(known.code, 0, known.stderr);
    assert.match(known.stdout, /0 new cycle\(s\), 1 known/);
    const stale = check(dir, join(dir, 'stale.mjs'));
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /no longer closes a cycle, delete it: no-file-cycle src\/x\.ts → src\/y\.ts/);
  });
});
