import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { compareBaseline, readBaselineFile } from '../../src/report/baseline.js';
import { isProbeError } from '../../src/model/errors.js';
import type { RunReport } from '../../src/model/types.js';
import { runLoad, target } from '../probes/load/targets.js';
import { sampleReport } from './fixtures.js';

function withP95(p95Ms: number | null): RunReport {
  const report = sampleReport();
  return { ...report, latency: { ...report.latency!, p95Ms } };
}

const usage = (pattern: RegExp) => (err: unknown) => isProbeError(err) && err.code === 'RP_ERR_USAGE' && pattern.test(err.message);

describe('compareBaseline', () => {
  test('a 10x p95 regression fails; within the limit passes', () => {
    const baseline = withP95(200);
    const slower = compareBaseline(withP95(2000), baseline, 20);
    assert.equal(slower.ok, false);
    assert.equal(slower.actual, 900);
    assert.match(slower.reason ?? '', /p95 2000 ms vs baseline 200 ms \(\+900 %\) regressed more than 20 %/);
    assert.equal(compareBaseline(withP95(239.9), baseline, 20).ok, true);
    assert.equal(compareBaseline(withP95(240.1), baseline, 20).ok, false);
    assert.equal(compareBaseline(withP95(100), baseline).actual, -50);
  });

  test('a run with no p95 fails as no samples', () => {
    const result = compareBaseline(withP95(null), withP95(200), 20);
    assert.deepEqual([result.ok, result.actual], [false, null]);
    assert.match(result.reason ?? '', /no samples/);
  });

  test('a malformed baseline or limit is a usage error with a clear message', () => {
    assert.throws(() => compareBaseline(withP95(1), [], 20), usage(/baseline: not a JSON object/));
    assert.throws(() => compareBaseline(withP95(1), { scenario: 'smoke' }, 20), usage(/no "latency" block/));
    assert.throws(() => compareBaseline(withP95(1), { latency: { p95Ms: null } }, 20), usage(/no latency samples/));
    assert.throws(() => compareBaseline(withP95(1), { latency: { p95Ms: '200' } }, 20), usage(/not a positive number/));
    assert.throws(() => compareBaseline(withP95(1), withP95(200), -5), usage(/--max-regression/));
  });

  test('baseline files: missing and invalid JSON are usage errors naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rp-baseline-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "latency": ');
    await assert.rejects(readBaselineFile(join(dir, 'missing.json')), usage(/missing\.json" could not be read/));
    await assert.rejects(readBaselineFile(bad), usage(/bad\.json" is not valid JSON/));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(withP95(12.5)));
    assert.equal(compareBaseline(withP95(12), await readBaselineFile(good), 20).ok, true);
  });

  // 40× apart, so a loaded machine stretching the fast run's tail cannot close the gap
  test('real runs: a 5 ms baseline against a 200 ms server fails', async () => {
    const [fast, slow] = await Promise.all([target({ delayMs: 5 }), target({ delayMs: 200 })]);
    try {
      const size = { amount: 40, connections: 4 };
      const before = await runLoad(fast.url, size);
      const after = await runLoad(slow.url, size);
      const result = compareBaseline({ ...sampleReport(), latency: after.latency! }, { ...sampleReport(), latency: before.latency! }, 20);
      assert.equal(result.ok, false, result.reason);
      assert.ok(result.actual! > 100, `regression ${result.actual} %`);
    } finally {
      await Promise.all([fast.close(), slow.close()]);
    }
  });
});
