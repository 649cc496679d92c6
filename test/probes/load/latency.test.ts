import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { LoadProbeParams } from '../../../probes/load/index.js';
import type { ProbeOutcome } from '../../../probes/types.js';
import { evaluateThresholds } from '../../../src/model/thresholds.js';
import { measured, runLoad as run, subMillisecond, target, within, type Target } from './targets.js';

describe('load probe against a 200 ms server', () => {
  let slow: Target;
  before(async () => {
    slow = await target({ delayMs: 200 });
  });
  after(() => slow.close());

  /** One run against the 200 ms server, retried only when this process was starved of CPU (see measured). */
  const near200 = (t: TestContext, extra: Partial<LoadProbeParams> = {}): Promise<ProbeOutcome> =>
    measured(
      () => run(slow.url, extra),
      (o) => {
        within(o.latency!.p50Ms, 200, 5);
        within(o.latency!.p95Ms, 200, 5);
      },
      (note) => t.diagnostic(note),
    );

  test('closed loop (ab -n 100 -c 10): p50 and p95 within 5 % of 200 ms, sub-millisecond, thresholds', async (t) => {
    const outcome = await near200(t);
    assert.equal(outcome.status, 'pass', JSON.stringify(outcome.error));
    const l = outcome.latency!;
    assert.equal(l.requests, 100);
    assert.equal(l.errors, 0);
    assert.equal(l.mode, 'closed-loop');
    assert.ok(l.p50Ms! >= 200, 'latency cannot be below the injected delay');
    assert.ok(subMillisecond(l), `expected sub-millisecond figures, got ${l.p50Ms}/${l.p95Ms}`);
    assert.equal(l.warmupExcluded, 10);
    const [fast, loose, none] = [...evaluateThresholds(['p(95)<100', 'p(95)<1000'], l), ...evaluateThresholds(['p95<1000'], undefined)];
    assert.equal(fast.ok, false);
    assert.equal(loose.ok, true);
    assert.equal(none.ok, false);
    assert.match(none.reason ?? '', /no samples/);
    const quantiles = outcome.series!.filter((s) => s.name === 'probe_latency_seconds').map((s) => s.labels!.quantile);
    assert.deepEqual(quantiles, ['0.5', '0.9', '0.95', '0.99']);
  });

  test('fixed rate 20/s: p50 and p95 within 5 % of 200 ms', async (t) => {
    const outcome = await near200(t, { rate: 20, durationMs: 1_500 });
    assert.equal(outcome.status, 'pass', JSON.stringify(outcome.error));
    const l = outcome.latency!;
    assert.equal(l.mode, 'fixed-rate');
    assert.equal(l.requests, 30);
    assert.equal(l.warmupRequest, 'HTTP 200');
    // rps runs from the first send to the last completion: 30 sends 50 ms apart, then the last one's 200 ms, so an
    // honoured rate reads 18.2 (against 20, a loaded machine's 40 ms was enough to fail); closed loop would read ~50
    within(l.rps, (30 * 1000) / (29 * 50 + 200), 10);
    assert.ok(subMillisecond(l));
  });

  test('abortOnFail threshold stops the run once it fails', async () => {
    const started = performance.now();
    const outcome = await run(slow.url, { durationMs: 10_000, thresholds: ['p(95)<100:abortOnFail'], abortMinSamples: 10 });
    assert.ok(performance.now() - started < 3_000, 'the run should stop early');
    assert.equal(outcome.status, 'fail');
    assert.equal(outcome.error?.code, 'RP_ERR_LOAD_ABORTED');
    assert.match(outcome.error.message, /threshold "p\(95\)<100:abortOnFail" failed/);
  });
});

describe('load probe: coordinated omission', () => {
  test('a stall shows in the percentiles of a fixed-rate run', async () => {
    // 5 ms answers, then one 800 ms stall: with only 2 connections, the requests due during the stall wait
    const stalling = await target({ delayMs: 5, pause: { afterRequests: 20, forMs: 800 } });
    try {
      const outcome = await run(stalling.url, { rate: 50, durationMs: 2_000, connections: 2 });
      const l = outcome.latency!;
      assert.equal(outcome.status, 'pass', JSON.stringify(outcome.error));
      // closed-loop timing would show the stall in at most 2 samples (< 3 %); from intended times ~40 requests wait
      assert.ok(l.p90Ms! > 300, `p90 ${l.p90Ms} ms should show the stall`);
      assert.ok(l.p50Ms! < 300, `p50 ${l.p50Ms} ms`);
    } finally {
      await stalling.close();
    }
  });
});
