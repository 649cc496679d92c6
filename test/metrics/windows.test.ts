/** Rolling windows and the evaluation built on them: fast outage detection, window error rate, stale results. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluate, type LatestResult } from '../../src/daemon/evaluate.js';
import { RollingWindows } from '../../src/metrics/windows.js';
import type { ProbeResult } from '../../src/model/types.js';
import { testConfig } from '../helpers/context.js';

function http(name: string, samples: [ms: number, ok: boolean][], error?: string): ProbeResult {
  const failures = samples.filter(([, ok]) => !ok).length;
  return {
    name,
    kind: 'http',
    status: failures ? 'fail' : 'pass',
    durationMs: samples.reduce((a, [ms]) => a + ms, 0),
    metrics: { path: `/${name}`, statusCode: failures ? 500 : 200, samples: samples.length, failures },
    details: { sampleDurationsMs: samples.map(([ms]) => ms), sampleOk: samples.map(([, ok]) => ok) },
    data: {
      kind: 'http',
      path: `/${name}`,
      method: 'GET',
      statusCode: failures ? 500 : 200,
      bytes: 0,
      phases: null,
      samples: samples.map(([ms, ok]) => ({ ms, ok, timedOut: false, status: ok ? 200 : 500 })),
    },
    ...(failures ? { error: { code: (error ?? 'RP_ERR_UNEXPECTED_STATUS') as 'RP_ERR_UNEXPECTED_STATUS', message: 'status 500' } } : {}),
  };
}

describe('RollingWindows', () => {
  test('error ratio, p95 over successes, failing streak, pruning by age', () => {
    let now = 0;
    const w = new RollingWindows(60_000, () => now);
    for (let i = 1; i <= 20; i++) {
      now = i * 1000;
      w.record(http('a', [[i * 10, i % 5 !== 0]]));
    }
    const stats = w.stats('a')!;
    assert.equal(stats.samples, 20);
    assert.equal(stats.errors, 4);
    assert.equal(stats.errorRatio, 0.2);
    assert.equal(stats.p95Ms, 190, 'nearest rank over the 16 successes');
    assert.equal(stats.failingStreak, 1);
    now = 75_000; // samples from before t = 15 s have left the 60 s window
    w.prune();
    assert.equal(w.stats('a')!.samples, 6);
  });

  test('a result without samples (timed out) counts as one failure; skipped results are ignored', () => {
    const w = new RollingWindows(60_000);
    w.record({ name: 'a', kind: 'http', status: 'error', durationMs: 5000, metrics: {}, error: { code: 'RP_ERR_PROBE_TIMEOUT', message: 'x' } });
    w.record({ name: 'a', kind: 'http', status: 'skipped', durationMs: 0, metrics: {} });
    w.record({ name: 'db', kind: 'postgres', status: 'fail', durationMs: 1, metrics: {} });
    assert.deepEqual(w.names(), ['a']);
    assert.equal(w.stats('a')!.errors, 1);
    assert.equal(w.overall()!.timeouts, 1);
  });

  test('certificate rejections count as errors, and the reached counts leave them out (the streak reads past them)', () => {
    const w = new RollingWindows(60_000);
    const rejected = http('a', [
      [3, false],
      [3, false],
    ]);
    if (rejected.data?.kind === 'http') for (const s of rejected.data.samples) s.certificateRejected = true;
    w.record(http('a', [[5, true]]));
    w.record(http('a', [[5, false]]));
    w.record(rejected);
    const stats = w.stats('a')!;
    assert.deepEqual([stats.samples, stats.errors, stats.failingStreak], [4, 3, 3]);
    assert.deepEqual(stats.reached, { samples: 2, errors: 1, failingStreak: 1 });
    assert.deepEqual(w.since(0).stats('a')?.reached, { samples: 2, errors: 1, failingStreak: 1 });
  });

  test('overall summary joins every endpoint', () => {
    const w = new RollingWindows(10_000);
    w.record(
      http('a', [
        [10, true],
        [20, true],
      ]),
    );
    w.record(
      http('b', [
        [30, true],
        [0, false],
      ]),
    );
    const all = w.overall()!;
    assert.equal(all.requests, 4);
    assert.equal(all.errors, 1);
    assert.equal(all.p95Ms, 30);
    assert.equal(all.source, 'daemon-window');
  });
});

describe('evaluate', () => {
  const config = testConfig('daemon: { window: 5m }\nendpoints: [{ name: a, path: /a }, { name: b, path: /b }, { name: c, path: /c }]');
  const latestOf = (w: RollingWindows, ...results: ProbeResult[]): LatestResult[] => {
    for (const r of results) w.record(r);
    return results.map((result) => ({ result, finishedAt: Date.now(), everyMs: 15_000 }));
  };

  test('one failed sample after healthy ones is noise, not an outage; two in a row is', () => {
    const w = new RollingWindows(300_000);
    latestOf(w, http('a', [[5, true]]), http('b', [[5, true]]), http('c', [[5, true]]));
    const once = evaluate(latestOf(w, http('a', [[5, false]]), http('b', [[5, false]]), http('c', [[5, false]])), w, config);
    assert.notEqual(once.severity, 'P0', JSON.stringify(once.findings.map((f) => f.summary)));
    const twice = evaluate(latestOf(w, http('a', [[5, false]]), http('b', [[5, false]]), http('c', [[5, false]])), w, config);
    assert.equal(twice.severity, 'P0');
    assert.ok(twice.findings.some((f) => f.cause === 'api_outage'));
    assert.equal(twice.scenario, 'daemon');
    assert.equal(twice.passed, false);
  });

  test('a 30 % error rate across the window is a P2 high_error_rate, though each run has one sample', () => {
    const w = new RollingWindows(300_000);
    let latest: LatestResult[] = [];
    for (let i = 0; i < 10; i++) {
      const ok = ![2, 5, 8].includes(i);
      latest = latestOf(w, http('a', [[5, ok]]), http('b', [[5, ok || i === 8]]), http('c', [[5, true]]));
    }
    const report = evaluate(latest, w, config);
    const finding = report.findings.find((f) => f.cause === 'high_error_rate');
    assert.ok(finding, JSON.stringify(report.findings));
    assert.equal(finding.severity, 'P2');
    assert.equal(report.latency?.errors, 5);
  });

  test('an endpoint already erring at 60 % that fails twice in a row is not "down": the window reads P1 service-wide', () => {
    const w = new RollingWindows(300_000);
    let latest: LatestResult[] = [];
    // ok, fail, ok, fail, fail: the 60 % spread, on every endpoint, ending in a streak of two
    const pattern = [true, false, true, false, false];
    for (let i = 0; i < 20; i++) {
      const ok = pattern[i % 5];
      latest = latestOf(w, http('a', [[5, ok]]), http('b', [[5, ok]]), http('c', [[5, ok]]));
    }
    const report = evaluate(latest, w, config);
    assert.deepEqual(
      report.findings.map((f) => `${f.severity} ${f.cause}`),
      ['P1 high_error_rate'],
    );
    assert.equal(report.findings[0].confidence?.source, 'window');
  });

  test('samples our own budget cut (abandoned) are not recorded as failures', () => {
    const w = new RollingWindows(300_000);
    const cut = http('a', [[300, false]]);
    if (cut.data?.kind === 'http') cut.data.samples[0].abandoned = true;
    w.record(http('a', [[5, true]]));
    w.record(cut);
    assert.equal(w.stats('a')?.samples, 1);
    assert.equal(w.stats('a')?.errors, 0);
  });

  test('a slow window p95 is a latency finding; results older than the window are left out', () => {
    const w = new RollingWindows(300_000);
    const slow = latestOf(w, http('a', [[1500, true]]), http('b', [[1500, true]]), http('c', [[1500, true]]));
    assert.equal(evaluate(slow, w, config).findings.find((f) => f.cause === 'high_latency')?.severity, 'P2');
    const stale: LatestResult[] = [
      {
        result: {
          name: 'load',
          kind: 'load',
          status: 'fail',
          durationMs: 1,
          metrics: {},
          findings: [{ cause: 'x', severity: 'P1', summary: 'old', evidence: [], runbook: '', actions: [] }],
        },
        finishedAt: Date.now() - 3_600_000,
      },
    ];
    const report = evaluate([...slow, ...stale], w, config);
    assert.equal(
      report.findings.some((f) => f.summary === 'old'),
      false,
    );
    assert.equal(report.probes.length, 4, 'still listed');
  });
});
