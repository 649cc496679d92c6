/** A daemon group's `shards: N`: the load probe runs N worker-thread shards and merges them like `probe merge`. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { planDaemon } from '../../../src/daemon/plan.js';
import { knownLatencyTarget, nearestRank, type KnownLatencyTarget } from '../../helpers/shard-runs.js';
import { testConfig } from '../../helpers/context.js';
import { runLoad } from './targets.js';

let target: KnownLatencyTarget;
before(async () => {
  target = await knownLatencyTarget();
});
after(() => target.close());

describe('load probe with shards: N', () => {
  test('two worker shards: each its share, one merged latency block the target agrees with', async () => {
    const outcome = await runLoad(target.url, { shards: 2, rate: 40, durationMs: 1_000, connections: 8, offThread: true });
    assert.equal(outcome.status, 'pass', JSON.stringify(outcome.error));
    const l = outcome.latency!;
    assert.equal(l['shards'], 2);
    assert.equal(l.requests, target.latencies.length, 'no warm-up request: every request the target saw is counted');
    assert.equal(l['connections'], 8, 'the shares add up to the whole');
    assert.equal(l['histogram'], undefined, 'the merged histogram stays inside the probe');
    // the senders' worst lag, and the target's own (a request it read late was already waiting for the client)
    const lag = Number(l['maxSendLagMs'] ?? 0) + target.maxLoopDelayMs();
    const p95 = nearestRank(target.latencies, 95);
    assert.ok(l.p95Ms! >= p95 * 0.999 && l.p95Ms! <= p95 * 1.001 + 5 + lag, `p95 ${l.p95Ms} vs the target's ${p95}`);
  });

  test('config: a load group takes shards, a group without load refuses them', () => {
    const yaml = (group: string): string => `kubernetes: { enabled: false }\ndaemon: { groups: [${group}] }\n`;
    const plan = planDaemon(testConfig(yaml('{ scenario: latency, cron: "0 * * * *", shards: 3 }')));
    const load = plan.find((p) => p.spec.kind === 'load');
    assert.equal((load?.spec.params as { shards?: number }).shards, 3);
    assert.throws(() => testConfig(yaml('{ scenario: continuous, shards: 3 }')), /runs no load probe to shard/);
  });
});
