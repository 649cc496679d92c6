import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isProbeError } from '../../src/model/errors.js';
import { evaluateThresholds, parseThreshold, percentilesNeeded } from '../../src/model/thresholds.js';
import type { LatencySummary } from '../../src/model/types.js';

const latency: LatencySummary = {
  requests: 200,
  errors: 4,
  timeouts: 1,
  errorRate: 0.02,
  rps: 61.5,
  p50Ms: 201.3,
  p90Ms: 240.1,
  p95Ms: 312.25,
  p99Ms: 480.9,
  maxMs: 950.2,
  minMs: 198.7,
  avgMs: 215.4,
  percentilesMs: { '50': 201.3, '99.9': 901.5 },
};

describe('parseThreshold', () => {
  test('k6 grammar, whitespace tolerant', () => {
    const cases: [string, string, string, number][] = [
      ['p(95)<500', 'percentile:95', '<', 500],
      ['p95<500', 'percentile:95', '<', 500],
      ['  p( 99.9 )  <=  800 ', 'percentile:99.9', '<=', 800],
      ['avg>=10', 'avg', '>=', 10],
      ['med==201.3', 'med', '==', 201.3],
      ['max < 2s', 'max', '<', 2000],
      ['min>1ms', 'min', '>', 1],
      ['error_rate<0.05', 'error_rate', '<', 0.05],
      ['error_rate < 5%', 'error_rate', '<', 0.05],
      ['rps>50', 'rps', '>', 50],
    ];
    for (const [text, metric, op, value] of cases) {
      const t = parseThreshold(text);
      const name = t.metric.kind === 'percentile' ? `percentile:${t.metric.p}` : t.metric.kind;
      assert.deepEqual([name, t.op, t.value, t.abortOnFail], [metric, op, value, false], text);
    }
  });

  test('abortOnFail as a suffix or in the object form', () => {
    assert.equal(parseThreshold('p(95)<500:abortOnFail').abortOnFail, true);
    assert.equal(parseThreshold('p(95) < 500 : abortOnFail').value, 500);
    assert.equal(parseThreshold({ threshold: 'rps>5', abortOnFail: true }).abortOnFail, true);
  });

  test('bad grammar is a usage error naming the expression', () => {
    for (const text of [
      '',
      'p95',
      'p(95)<<500',
      'p(95)!=500',
      'p(101)<5',
      'p(x)<5',
      'latency<5',
      'p95<fast',
      'rps>5ms',
      'p95<5%',
      'p95<5:abortOnPass',
      '<5',
      'avg<',
    ]) {
      assert.throws(
        () => parseThreshold(text),
        (err: unknown) => isProbeError(err) && err.code === 'RP_ERR_USAGE' && err.message.startsWith(`threshold "${text.trim()}"`),
        text,
      );
    }
  });
});

describe('evaluateThresholds', () => {
  test('passes and fails with the actual value', () => {
    const results = evaluateThresholds(
      ['p(95)<500', 'p95<300', 'avg<=215.4', 'med>200', 'min>=198.7', 'max<1s', 'error_rate<0.05', 'rps>100', 'p(99.9)<1000'],
      latency,
    );
    assert.deepEqual(
      results.map((r) => [r.ok, r.actual]),
      [
        [true, 312.25],
        [false, 312.25],
        [true, 215.4],
        [true, 201.3],
        [true, 198.7],
        [true, 950.2],
        [true, 0.02],
        [false, 61.5],
        [true, 901.5],
      ],
    );
    assert.match(results[1].reason ?? '', /312\.25 is not < 300/);
  });

  test('no samples fails (unlike k6)', () => {
    const empty: LatencySummary = {
      ...latency,
      requests: 0,
      errors: 0,
      errorRate: 0,
      rps: 0,
      p50Ms: null,
      p90Ms: null,
      p95Ms: null,
      p99Ms: null,
      maxMs: null,
    };
    for (const r of [...evaluateThresholds(['p(95)<500', 'error_rate<0.5'], empty), ...evaluateThresholds(['rps>1'], undefined)]) {
      assert.equal(r.ok, false);
      assert.equal(r.actual, null);
      assert.match(r.reason ?? '', /no samples/);
    }
    const allRefused: LatencySummary = { ...empty, requests: 10, errors: 10, errorRate: 1 };
    const [p95] = evaluateThresholds(['p95<500'], allRefused);
    assert.equal(p95.ok, false);
    assert.match(p95.reason ?? '', /no latency samples/);
  });

  test('a latency threshold over 100 % failed responses cannot pass, and every latency threshold says what it measured', () => {
    // 50 fast 503s: their p95 is 3 ms, which says nothing about how fast the API serves
    const all503: LatencySummary = { ...latency, requests: 50, errors: 50, errorRate: 1, p95Ms: 3.2, latencySamples: 50 };
    const [fast503, rate] = evaluateThresholds(['p(95)<300', 'error_rate<1.5'], all503);
    assert.equal(fast503.ok, false);
    assert.equal(fast503.actual, 3.2);
    assert.match(fast503.reason ?? '', /all 50 attempts failed: no successful response to measure/);
    assert.equal(rate.ok, true, 'not a latency threshold: judged on its value');
    const [ok] = evaluateThresholds(['p(95)<500'], { ...latency, latencySamples: 200 });
    assert.equal(ok.ok, true);
    assert.match(ok.reason ?? '', /over 200 of 200 load attempts: responses of any status and timeouts/);
    const [sampled] = evaluateThresholds(['p(95)<500'], { ...latency, source: 'http-samples' });
    assert.match(sampled.reason ?? '', /over the 196 successful of 200 HTTP samples/);
  });

  test('an unrecorded percentile and a malformed expression fail without throwing', () => {
    const [unrecorded, malformed] = evaluateThresholds(['p(97.3)<500', 'p95<<1'], latency);
    assert.equal(unrecorded.ok, false);
    assert.match(unrecorded.reason ?? '', /p\(97\.3\) was not recorded/);
    assert.equal(malformed.ok, false);
    assert.match(malformed.reason ?? '', /threshold "p95<<1"/);
  });

  test('percentilesNeeded lists only what a load result does not carry', () => {
    assert.deepEqual(percentilesNeeded(['p(97.3)<5', 'p95<5', 'p(99.9)<5', 'max<5', 'junk']), [97.3]);
  });
});
