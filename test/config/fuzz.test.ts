/**
 * Acceptance: hostile configs and flags. Every case exits 2 naming its key or flag (0 when valid), never 3, within
 * 5 s, and no secret planted in the environment appears in any output. Most cases run in-process through the same
 * function the CLI uses; a seeded sample runs the real binary to prove the exit codes end to end.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseCli } from '../../src/cli/args.js';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/oneshot.js';
import { loadSettings } from '../../src/cli/settings.js';
import { seededRandom } from '../../src/support/random.js';
import { runCli } from '../helpers/cli.js';
import { configCorpus, flagCorpus, secretCore, type ConfigCase, type FlagCase } from './fuzz-corpus.js';

const SEED = 14;
const LIMIT_MS = 5_000;

interface Outcome {
  code: number;
  out: string;
  ms: number;
}

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = { isTTY: false, write: (chunk: string | Uint8Array) => ((text += String(chunk)), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

async function inProcess(argv: string[], env: Record<string, string>): Promise<Outcome> {
  const stdout = capture();
  const stderr = capture();
  const io: Io = { stdout: stdout.stream, stderr: stderr.stream, env, signal: new AbortController().signal };
  const started = performance.now();
  const code = await main(argv, io);
  return { code, out: `${stdout.text()}${stderr.text()}`, ms: performance.now() - started };
}

const dir = mkdtempSync(join(tmpdir(), 'rp-fuzz-'));
const fifo = join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);
const plainFile = join(dir, 'plain.txt');
writeFileSync(plainFile, 'not json, not a directory\n');
const stateDir = join(dir, 'state');
mkdirSync(stateDir);
/** for flag cases: nothing outside this machine, so a flag wrongly accepted fails fast instead of reaching out */
const safeConfig = join(dir, 'safe.yaml');
writeFileSync(
  safeConfig,
  `target: http://127.0.0.1:9\nkubernetes: { enabled: false }\nexternal: { openai: { enabled: false }, github: { enabled: false } }\nincidents: { stateDir: ${JSON.stringify(stateDir)} }\n`,
);

function configPath(c: ConfigCase, index: number): string {
  if (c.special === 'fifo') return fifo;
  if (c.special === 'directory') return dir;
  if (c.special === 'device') return '/dev/null';
  if (c.special === 'missing') return join(dir, 'missing.yaml');
  const caseDir = join(dir, `c${index}`);
  mkdirSync(caseDir, { recursive: true });
  const file = join(caseDir, 'fuzz.yaml');
  writeFileSync(file, c.yaml.replaceAll('{file}', plainFile));
  return file;
}

function flagArgv(c: FlagCase): string[] {
  return c.argv.map((a) => a.replace('{config}', safeConfig).replace('{dir}', dir).replace('{fifo}', fifo).replace('{file}', plainFile));
}

const { cases, secrets } = configCorpus(SEED, 320);
const flags = flagCorpus();
const secretTexts = [...secrets.map(secretCore), 'Pl4ntedPassw0rdZq'];

/** What is wrong with one outcome, or null. */
function judge(name: string, outcome: Outcome, expectCode: number, names: readonly string[]): string | null {
  const problems: string[] = [];
  if (outcome.code !== expectCode) problems.push(`exit ${outcome.code}, expected ${expectCode}`);
  for (const text of names) if (!outcome.out.includes(text)) problems.push(`output does not name ${JSON.stringify(text)}`);
  if (outcome.ms > LIMIT_MS) problems.push(`took ${Math.round(outcome.ms)} ms`);
  const leaked = secretTexts.find((s) => outcome.out.includes(s));
  if (leaked) problems.push(`leaked a planted secret`);
  return problems.length ? `${name}: ${problems.join('; ')}\n    ${outcome.out.slice(0, 400).replaceAll('\n', '\n    ')}` : null;
}

describe('config fuzzer', () => {
  const paths = cases.map((c, i) => configPath(c, i));

  test(`corpus size: ${cases.length} configs, ${flags.length} flag combinations`, () => {
    assert.ok(cases.length >= 300 && flags.length >= 50);
    assert.ok(cases.some((c) => c.names.length === 0) && cases.some((c) => c.names.length > 0));
  });

  test('every config: check-config exits 0 or 2 naming the key, in time, without a secret', async () => {
    const failures: string[] = [];
    for (const [i, c] of cases.entries()) {
      const outcome = await inProcess(['check-config', '--config', paths[i]], c.env);
      const failure = judge(c.name, outcome, c.names.length ? 2 : 0, c.names);
      if (failure) failures.push(failure);
    }
    assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases:\n${failures.join('\n')}`);
  });

  test('check-config and daemon take one validation path: they agree on every config', async () => {
    const disagreements: string[] = [];
    for (const [i, c] of cases.entries()) {
      // the huge documents prove speed above; here they would only double the test's time
      if (c.yaml.length > 65_536) continue;
      const verdict = async (command: string): Promise<string> =>
        loadSettings(parseCli([command, '--config', paths[i]]), c.env).then(
          () => 'ok',
          (err: unknown) => String((err as { code?: string }).code),
        );
      const [check, daemon] = [await verdict('check-config'), await verdict('daemon')];
      if (check !== daemon) disagreements.push(`${c.name}: check-config ${check}, daemon ${daemon}`);
    }
    assert.deepEqual(disagreements, []);
  });

  test('every bad flag combination exits 2 naming the flag, before any traffic', async () => {
    const failures: string[] = [];
    const env = { RP_FUZZ_SECRET: secrets[0] };
    for (const c of flags) {
      const failure = judge(c.name, await inProcess(flagArgv(c), env), 2, [c.names]);
      if (failure) failures.push(failure);
    }
    assert.deepEqual(failures, [], `${failures.length} of ${flags.length} cases:\n${failures.join('\n')}`);
  });

  test('a seeded sample through the real binary: same exit codes, each under 5 s', async () => {
    const random = seededRandom(SEED);
    const must = cases.map((c, i) => ({ c, i })).filter(({ c }) => c.special === 'fifo' || /100k|10k|alias bomb|secret as target/.test(c.name));
    const sample = [...must];
    while (sample.length < 12) sample.push({ c: cases[Math.floor(random() * cases.length)], i: 0 });
    const jobs: (() => Promise<string | null>)[] = [
      ...sample.map(({ c }) => async () => {
        const path = c.special ? configPath(c, 0) : configPath(c, cases.indexOf(c));
        const run = await runCli(['check-config', '--config', path], { env: c.env, timeoutMs: LIMIT_MS + 2_000 });
        return judge(`spawned ${c.name}`, { code: run.code ?? -1, out: run.stdout + run.stderr, ms: run.ms }, c.names.length ? 2 : 0, c.names);
      }),
      ...[0, 16, 40, flags.length - 1].map((k) => async () => {
        const c = flags[k];
        const run = await runCli(flagArgv(c), { env: { RP_FUZZ_SECRET: secrets[0] }, timeoutMs: LIMIT_MS + 2_000 });
        return judge(`spawned ${c.name}`, { code: run.code ?? -1, out: run.stdout + run.stderr, ms: run.ms }, 2, [c.names]);
      }),
    ];
    const failures: string[] = [];
    // two at a time: the machine has two cores
    for (let k = 0; k < jobs.length; k += 2) {
      for (const failure of await Promise.all(jobs.slice(k, k + 2).map((job) => job()))) if (failure) failures.push(failure);
    }
    assert.deepEqual(failures, []);
  });
});
