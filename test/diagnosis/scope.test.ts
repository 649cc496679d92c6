/** The runbook's scope rules on endpoint readings: one endpoint (Scenario 4), service-wide (Scenario 2), outage (Scenario 1). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diagnose } from '../../src/diagnosis/index.js';
import { diagnosisContext } from '../../src/diagnosis/context.js';
import { endpointReading, type EndpointReading } from '../../src/diagnosis/input.js';
import { wilsonInterval } from '../../src/model/confidence.js';
import type { Finding, ProbeResult } from '../../src/model/types.js';
import { findingBuilderFor } from '../../src/runbook/fill.js';
import { testConfig } from '../helpers/context.js';

function config(names: string[]): ReturnType<typeof testConfig> {
  return testConfig(`endpoints: [${names.map((n) => `{ name: ${n}, path: /${n === 'health' ? 'health' : `v1/${n}`} }`).join(', ')}]\n`);
}

const reading = (name: string, samples: number, failures: number): EndpointReading => ({
  name,
  status: failures ? 'fail' : 'pass',
  path: `/${name}`,
  statusCode: failures ? 500 : 200,
  samples,
  failures,
  ...(failures ? { error: { code: 'RP_ERR_UNEXPECTED_STATUS' as const, message: 'status 500' } } : {}),
});

function run(endpoints: EndpointReading[], results: ProbeResult[] = []): Finding[] {
  const cfg = config(endpoints.map((e) => e.name));
  return diagnose({ results, endpoints, latency: { summary: undefined, fromLoad: false } }, diagnosisContext(cfg, findingBuilderFor(cfg)));
}

const causes = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.severity} ${f.cause}`);

describe('scope follows the runbook', () => {
  test('one endpoint consistently failing while the others succeed: Scenario 4, P3, sure after several samples', () => {
    const findings = run([reading('health', 5, 0), reading('papers', 5, 0), reading('near', 5, 5)]);
    assert.deepEqual(causes(findings), ['P3 endpoint_failure']);
    assert.equal(findings[0].confidence?.level, 'high');
    assert.equal(findings[0].confidence?.samples, 5);
  });

  test('one failed sample is a guess, and says so', () => {
    const findings = run([reading('health', 1, 0), reading('papers', 1, 0), reading('near', 1, 1)]);
    assert.deepEqual(causes(findings), ['P3 endpoint_failure']);
    assert.equal(findings[0].confidence?.level, 'low');
  });

  test('2 of 3 endpoints failing with health passing: service-wide error rate, no "others are fine"', () => {
    const findings = run([reading('health', 5, 0), reading('papers', 5, 5), reading('near', 5, 5)]);
    assert.deepEqual(causes(findings), ['P1 high_error_rate']);
    assert.ok(!findings.some((f) => /other endpoints are fine/.test(f.summary)));
  });

  test('15 of 16 endpoints failing with health passing: one service-wide P1, not fifteen P3s', () => {
    const names = ['health', ...Array.from({ length: 15 }, (_, i) => `e${i}`)];
    const findings = run(names.map((n) => reading(n, 5, n === 'health' ? 0 : 5)));
    assert.deepEqual(causes(findings), ['P1 high_error_rate']);
  });

  test('60 % of all requests failing, spread over every endpoint: P1 by the table, never one endpoint', () => {
    const findings = run([reading('health', 5, 3), reading('papers', 5, 3), reading('near', 5, 3)]);
    assert.deepEqual(causes(findings), ['P1 high_error_rate']);
    assert.equal(findings[0].confidence?.samples, 15);
    assert.equal(findings[0].confidence?.failures, 9);
  });

  test('every endpoint but health checked and failing: P1, not P0 "API is down"', () => {
    // the health endpoint is configured but its result is skipped (not checked)
    const findings = run([{ ...reading('health', 0, 0), status: 'skipped' }, reading('papers', 5, 5), reading('near', 5, 5)]);
    assert.deepEqual(causes(findings), ['P1 high_error_rate']);
  });

  test('every endpoint failing with the health check too: P0 api_outage', () => {
    const findings = run([reading('health', 1, 1), reading('papers', 5, 5), reading('near', 5, 5)]);
    assert.deepEqual(causes(findings), ['P0 api_outage']);
    assert.equal(findings[0].confidence?.failures, 11);
  });

  test('a small error rate is banded with its Wilson interval: 12 of 600 is P3 and sure of it', () => {
    const findings = run([reading('health', 200, 4), reading('papers', 200, 4), reading('near', 200, 4)]);
    assert.deepEqual(causes(findings), ['P3 high_error_rate']);
    const c = findings[0].confidence!;
    assert.equal(c.level, 'high');
    assert.ok(c.interval && c.interval.low > 0.01 && c.interval.high < 0.1, JSON.stringify(c));
    assert.match(findings[0].summary, /2\.0 %/);
  });

  test('0.5 % is no finding', () => {
    assert.deepEqual(run([reading('health', 200, 1), reading('papers', 200, 1), reading('near', 200, 1)]), []);
  });

  test('where Prometheus answered, its rate is the source of truth', () => {
    const prometheus: ProbeResult = {
      name: 'prometheus',
      kind: 'prometheus',
      status: 'pass',
      durationMs: 5,
      metrics: {},
      data: { kind: 'prometheus', errorRate: 0.02, p95Ms: 120, requestRate: 50, firingAlerts: [] },
    };
    const findings = run([reading('health', 10, 0), reading('papers', 10, 0), reading('near', 10, 0)], [prometheus]);
    assert.deepEqual(causes(findings), ['P3 high_error_rate']);
    assert.equal(findings[0].confidence?.source, 'prometheus');
  });
});

describe('abandoned samples count nowhere', () => {
  test('an endpoint reading leaves out the samples our budget cut', () => {
    const result: ProbeResult = {
      name: 'papers',
      kind: 'http',
      status: 'pass',
      durationMs: 10,
      metrics: {},
      data: {
        kind: 'http',
        path: '/v1/papers',
        method: 'GET',
        statusCode: 200,
        bytes: 2,
        phases: null,
        samples: [
          { ms: 1200, ok: true, timedOut: false, status: 200 },
          { ms: 300, ok: false, timedOut: false, status: null, abandoned: true },
        ],
      },
    };
    const r = endpointReading(result);
    assert.equal(r.samples, 1);
    assert.equal(r.failures, 0);
  });
});

describe('Wilson interval', () => {
  test('matches the textbook values', () => {
    const { low, high } = wilsonInterval(12, 600);
    assert.ok(Math.abs(low - 0.01148) < 1e-4 && Math.abs(high - 0.03463) < 1e-4, `${low} ${high}`);
    assert.deepEqual(wilsonInterval(0, 0), { low: 0, high: 1 });
    assert.equal(wilsonInterval(0, 100).low, 0);
  });
});
