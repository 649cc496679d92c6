/**
 * Sharded load runs through the real binary: four `probe --shard I/4` processes with one --start-at against a target
 * that records every response's latency itself, then `probe merge` on their results.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunReport } from '../../src/model/types.js';
import { runCli } from '../helpers/cli.js';
import { httpServer, type Running } from '../helpers/servers.js';
import { knownLatencyTarget, nearestRank, runShards, startAtIn, type KnownLatencyTarget, type ShardRun } from '../helpers/shard-runs.js';

const dir = mkdtempSync(join(tmpdir(), 'rp-shards-'));
let target: KnownLatencyTarget;
let other: Running;
let shards: ShardRun;
let otherRun: string;

before(async () => {
  target = await knownLatencyTarget();
  other = await httpServer((_req, res) => res.end('{"items":[]}'));
  const startAt = startAtIn(8_000);
  // the four shards of the run under test, and one shard of another run (against another server, so the target's
  // count stays the run's own)
  shards = await runShards(target.url, 4, dir, ['--rate', '100', '--duration', '2s', '--connections', '20', '--start-at', startAt]);
  for (const [i, r] of shards.runs.entries()) assert.equal(r.code, 0, `shard ${i + 1}: ${r.stderr}\n${r.stdout.slice(0, 2000)}`);
  // one shard of another run, against another server (the target's count stays the run's own)
  const stray = await runShards(other.url, 1, mkdtempSync(join(tmpdir(), 'rp-stray-')), ['--run', 'another-run', '--amount', '5']);
  otherRun = stray.files[0]!;
});
after(() => Promise.all([target.close(), other.close()]));

async function merge(files: readonly string[], extra: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // generous: on a starved machine a process start alone can take many seconds
  return runCli(['merge', ...files, ...extra], { timeoutMs: 120_000 });
}

/** what a merge that did not exit 2 said, for the failure message (a null code: killed at the time limit) */
const outcome = (run: { code: number | null; stderr: string }): string => `exit ${run.code}; stderr: ${run.stderr || '(none)'}`;

describe('probe --shard and probe merge', { concurrency: false }, () => {
  test('each shard ran its share of the rate and carries its histogram, shard id and run id', () => {
    const runIds = new Set(shards.reports.map((r) => r.shard?.run));
    assert.equal(runIds.size, 1, 'one run id, derived alike by every shard');
    assert.match([...runIds][0]!, /^run-[0-9a-f]{12}$/);
    for (const [i, r] of shards.reports.entries()) {
      assert.equal(r.shard?.index, i + 1);
      assert.equal(r.shard?.count, 4);
      assert.deepEqual(
        r.probes.map((p) => p.kind),
        ['load'],
        'a shard runs only the load probe',
      );
      assert.equal(r.probes[0].details?.['rate'], 25);
      assert.equal(r.probes[0].details?.['connections'], 5);
      assert.equal(typeof r.latency?.['histogram'], 'string');
    }
  });

  test('merged: counts add up to the target’s, percentiles equal the target’s own within the stated tolerance', async () => {
    const run = await merge(shards.files, ['--json']);
    assert.equal(run.code, 0, run.stderr);
    const merged = JSON.parse(run.stdout) as RunReport;
    const l = merged.latency!;
    assert.equal(l.requests, target.latencies.length, 'every request the target answered is counted once');
    assert.equal(
      l.requests,
      shards.reports.reduce((n, r) => n + r.latency!.requests, 0),
    );
    assert.equal(l.errors, 0);
    assert.ok(l.requests >= 190 && l.requests <= 210, `100/s for 2 s: ${l.requests}`);
    // Tolerance: the histogram's own ±0.1 % (a percentile reads its bucket's upper edge), plus the gap between the two
    // ends of one exchange: the target times arrival → its write of the answer, the shard times its write → the last byte
    // read, which adds the loopback hop and its own event-loop turns: 5 ms, widened by the worst event-loop lag the
    // shards themselves reported (maxSendLagMs) when the machine starved them, and by the target's own worst event-loop
    // delay (a request it read late was already waiting for the client). The shard's figure can only be later.
    const lag = Math.max(...shards.reports.map((r) => r.latency!['maxSendLagMs'] as number)) + target.maxLoopDelayMs();
    for (const p of [50, 90, 95, 99]) {
      const theirs = nearestRank(target.latencies, p);
      const ours = (l as Record<string, unknown>)[`p${p}Ms`] as number;
      const slack = theirs * 0.001 + 5 + lag;
      assert.ok(ours >= theirs * 0.999, `p${p}: merged ${ours} ms is below the target's ${theirs.toFixed(3)} ms`);
      assert.ok(ours <= theirs + slack, `p${p}: merged ${ours} ms vs the target's ${theirs.toFixed(3)} ms (+${slack.toFixed(3)} ms allowed)`);
    }
    // spanUnionMs is shown rounded to 0.1 ms; rps was computed from the exact union
    assert.ok(Math.abs(l.rps - (l.requests * 1000) / (l['spanUnionMs'] as number)) < 0.05, `rps ${l.rps} over ${String(l['spanUnionMs'])} ms`);
    assert.ok(l.rps > 70 && l.rps <= 110, `rps over the union of the spans: ${l.rps}`);
    assert.deepEqual(merged.merge?.shards, [1, 2, 3, 4]);
    assert.equal(merged.merge?.complete, true);
  });

  test('a threshold only the merged p95 breaches fails the merge with exit 1', async () => {
    const figures = JSON.parse((await merge(shards.files, ['--json'])).stdout) as RunReport;
    const { p50Ms, p95Ms, p99Ms } = figures.latency!;
    const gates = [`p(50)<=${p50Ms}`, `p(95)<${p95Ms}`, `p(99)<=${p99Ms}`].flatMap((t) => ['--threshold', t]);
    const failing = await merge(shards.files, ['--json', ...gates]);
    assert.equal(failing.code, 1, failing.stderr);
    const report = JSON.parse(failing.stdout) as RunReport;
    assert.deepEqual(
      report.thresholds.map((t) => t.ok),
      [true, false, true],
    );
    const passing = await merge(shards.files, ['--threshold', `p(95)<=${p95Ms}`]);
    assert.equal(passing.code, 0, passing.stderr);
  });

  test('any order gives byte-identical JSON', async () => {
    const [a, b, c] = await Promise.all([
      merge(shards.files, ['--json']),
      merge([...shards.files].reverse(), ['--json']),
      merge([shards.files[2], shards.files[0], shards.files[3], shards.files[1]], ['--json']),
    ]);
    assert.equal(a.code, 0);
    assert.equal(a.stdout, b.stdout);
    assert.equal(a.stdout, c.stdout);
  });

  test('a missing shard, a duplicate, shards of two runs and mixed settings exit 2 naming the problem', async () => {
    const [one, two, three, four] = shards.files as [string, string, string, string];
    const [missing, duplicate] = await Promise.all([merge([one, two, four]), merge([one, two, three, three, four])]);
    assert.equal(missing.code, 2, outcome(missing));
    assert.match(missing.stderr, /missing shard 3\/4 .*\[RP_ERR_SHARD_MISSING\]/);
    assert.equal(duplicate.code, 2, outcome(duplicate));
    assert.match(duplicate.stderr, /duplicate shard 3\/4: .*shard-3\.json, .*shard-3\.json \[RP_ERR_SHARD_DUPLICATE\]/);
    const mixedRuns = await merge([one, two, three, four, otherRun]);
    assert.equal(mixedRuns.code, 2, outcome(mixedRuns));
    assert.match(mixedRuns.stderr, /shards of different runs: run-[0-9a-f]+ \(.*\) and another-run \(.*\).*\[RP_ERR_SHARD_MIXED\]/);
    // the same run id with other settings: a shard started with another --rate
    const forged = JSON.parse(readFileSync(four, 'utf8')) as RunReport;
    forged.shard!.settings['rate'] = 200;
    const mixedFile = join(dir, 'mixed-4.json');
    writeFileSync(mixedFile, JSON.stringify(forged));
    const mixed = await merge([one, two, three, mixedFile]);
    assert.equal(mixed.code, 2, outcome(mixed));
    assert.match(mixed.stderr, /mixed settings: .*differ in rate \[RP_ERR_SHARD_MIXED\]/);
    const notShard = join(dir, 'plain.json');
    writeFileSync(notShard, JSON.stringify({ scenario: 'latency' }));
    const plain = await merge([notShard]);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /not a shard result .*\[RP_ERR_SHARD_INVALID\]/);
  });

  test('--start-at more than a second in the past, or --shard without --run or --start-at, is a usage error', async () => {
    const late = await runCli(['--scenario', 'latency', '--target', other.url, '--shard', '1/2', '--start-at', '2020-01-01T00:00:00Z']);
    assert.equal(late.code, 2);
    assert.match(late.stderr, /--start-at 2020-01-01T00:00:00Z is .* s in the past/);
    const bare = await runCli(['--scenario', 'latency', '--target', other.url, '--shard', '1/2']);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /--shard needs --run ID or --start-at TIME/);
    const bad = await runCli(['--scenario', 'latency', '--target', other.url, '--shard', '3/2', '--run', 'x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--shard: shard index must be a whole number 1-2, got 3/);
  });
});
