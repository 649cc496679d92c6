/**
 * The daemon path of a sharded load run: real shard processes post their results to a running daemon
 * (POST /api/load-runs/{run}/shards/{i}); the daemon merges them, or at the deadline lists what is missing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Daemon } from '../../src/daemon/daemon.js';
import { switchableRedactor } from '../../src/daemon/generation.js';
import type { LoadRunView } from '../../src/server/load-run-store.js';
import type { RunReport } from '../../src/model/types.js';
import { silentLogger } from '../../src/support/log.js';
import { runCli } from '../helpers/cli.js';
import { testConfig } from '../helpers/context.js';
import { knownLatencyTarget, runShards, startAtIn, type KnownLatencyTarget, type ShardRun } from '../helpers/shard-runs.js';

const TOKEN = 'load-job-token-0123456789';
let target: KnownLatencyTarget;
let daemon: Daemon;
const merged = new Map<string, LoadRunView>();
let complete: ShardRun;
let partial: ShardRun;

async function get(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${daemon.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, text: await res.text() };
}

/** a shard's result posted as the Job does it: JSON behind the control token */
function postAsJob(path: string, body: string): Promise<{ status: number; text: string }> {
  return get(path, { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, 'POST', body);
}

before(async () => {
  target = await knownLatencyTarget();
  const config = testConfig(`
target: ${target.url}
kubernetes: { enabled: false }
external: { openai: { enabled: false }, github: { enabled: false } }
incidents: { stateDir: ${JSON.stringify(mkdtempSync(join(tmpdir(), 'rp-load-runs-')))}, apiTokens: [{ name: load-job, token: ${TOKEN} }] }
daemon: { port: 0, interval: 5s, loadRunDeadline: 3s }
`);
  daemon = await Daemon.start({ config, log: silentLogger(), redact: switchableRedactor(config, {}), env: {} });
  daemon.on('load-run', (view) => merged.set(view.run, view));
  const bothMerged = new Promise<void>((resolve) => daemon.on('load-run', () => merged.size === 2 && resolve()));
  const startAt = startAtIn(8_000);
  const post = (run: string): string[] => ['--rate', '40', '--duration', '1s', '--start-at', startAt, '--run', run, '--post-to', daemon.url!];
  const env = { PROBE_API_TOKEN: TOKEN };
  // run-complete: all four shards report; run-partial: shard 4 never does, and its thresholds fail
  [complete, partial] = await Promise.all([
    runShards(target.url, 4, mkdtempSync(join(tmpdir(), 'rp-run-a-')), post('run-complete'), { env }),
    runShards(target.url, 4, mkdtempSync(join(tmpdir(), 'rp-run-b-')), [...post('run-partial'), '--threshold', 'p(95)<1'], {
      env,
      indexes: [1, 2, 3],
    }),
  ]);
  for (const run of [...complete.runs, ...partial.runs]) assert.equal(run.code, 0, run.stderr);
  await bothMerged;
});
after(async () => {
  await daemon?.stop();
  await target?.close();
});

describe('sharded load runs posted to the daemon', { concurrency: false }, () => {
  test('all four shards arrived: /api/load-runs/{run} shows the merged result, the same figures probe merge gives', async () => {
    const res = await get('/api/load-runs/run-complete');
    assert.equal(res.status, 200);
    const view = JSON.parse(res.text) as LoadRunView;
    assert.equal(view.status, 'complete');
    assert.deepEqual(view.received, [1, 2, 3, 4]);
    assert.deepEqual(view.missing, []);
    assert.equal(view.passed, true);
    const result = view.result!;
    assert.equal(
      result.latency!.requests,
      complete.reports.reduce((n, r) => n + r.latency!.requests, 0),
    );
    const cli = await runCli(['merge', ...complete.files, '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(result.latency, JSON.parse(cli.stdout).latency, 'the daemon merges exactly as probe merge does');
  });

  test('a shard that never reports is missing after the deadline; the run is incomplete and its failed thresholds a finding', async () => {
    const view = JSON.parse((await get('/api/load-runs/run-partial')).text) as LoadRunView;
    assert.equal(view.status, 'incomplete');
    assert.deepEqual(view.received, [1, 2, 3]);
    assert.deepEqual(view.missing, [4]);
    assert.equal(view.passed, false);
    assert.deepEqual(view.result!.merge.missing, [4]);
    const finding = view.result!.findings.find((f) => f.cause === 'load_threshold_failed');
    assert.ok(finding, JSON.stringify(view.result!.findings));
    assert.match(finding.evidence.join('\n'), /missing shards: 4/);
    const report = await new Promise<RunReport>((resolve) => daemon.once('cycle', resolve));
    assert.ok(
      report.findings.some((f) => f.cause === 'load_threshold_failed'),
      'the daemon’s evaluation carries it (and so the incidents)',
    );
  });

  test('GET /api/load-runs lists both; /metrics has their quantiles under a run label', async () => {
    const list = JSON.parse((await get('/api/load-runs')).text) as { runs: LoadRunView[] };
    assert.deepEqual(list.runs.map((r) => [r.run, r.status]).sort(), [
      ['run-complete', 'complete'],
      ['run-partial', 'incomplete'],
    ]);
    const metrics = (await get('/metrics')).text;
    assert.match(metrics, /probe_latency_seconds\{probe="load-run",quantile="0\.95",run="run-complete"\} \d/);
    assert.match(metrics, /probe_load_run_passed\{probe="load-run",run="run-partial"\} 0/);
  });

  test('posting needs the control token; a duplicate or a late shard is refused', async () => {
    const body = JSON.stringify(complete.reports[0]);
    const anonymous = await get('/api/load-runs/run-complete/shards/1', { 'content-type': 'application/json' }, 'POST', body);
    assert.equal(anonymous.status, 401);
    const late = await postAsJob('/api/load-runs/run-complete/shards/1', body);
    assert.equal(late.status, 409);
    assert.match(late.text, /already merged/);
    const wrongSlot = await postAsJob('/api/load-runs/run-other/shards/2', body);
    assert.equal(wrongSlot.status, 400);
    assert.match(wrongSlot.text, /posted as shard 2 of run run-other/);
  });
});
