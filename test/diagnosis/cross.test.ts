/**
 * Cross-probe readings (issue 12 items 7, 11, 14): the database's impact, dependency correlation, the leading
 * cause, and the human report's line for a probe that failed on what it found. Results are built as the probes
 * return them; the expected verdicts come from the runbook's severity table.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { diagnose } from '../../src/diagnosis/index.js';
import { diagnosisContext } from '../../src/diagnosis/context.js';
import { diagnosisInput } from '../../src/diagnosis/input.js';
import type { HttpSample } from '../../src/model/results.js';
import type { Finding, ProbeResult, ProbeStatus } from '../../src/model/types.js';
import { formatHuman, PLAIN } from '../../src/report/human.js';
import { Runner } from '../../src/runner/runner.js';
import { findingBuilderFor } from '../../src/runbook/fill.js';
import { silentLogger } from '../../src/support/log.js';
import { HttpResources } from '../../src/clients/http-agent.js';
import { registered } from '../../probes/types.js';
import { testConfig } from '../helpers/context.js';

const OPENAI = 'http://openai-proxy.internal:8080/v1';
const config = testConfig('kubernetes: { namespace: prod, deployment: radar-api, selector: app=radar-api }\n', { OPENAI_BASE_URL: OPENAI });
const raise = findingBuilderFor(config);
const ctx = diagnosisContext(config, raise);

const SAMPLE = (ok: boolean): HttpSample => ({ ms: 20, ok, timedOut: false, status: ok ? 200 : 503 });

/** One HTTP probe result per configured endpoint (health, papers, papers-near), `failing` ones failing every sample. */
function endpoints(failing: readonly string[], samples = 10, failuresOf = (name: string) => (failing.includes(name) ? samples : 0)): ProbeResult[] {
  return config.endpoints.map((e) => {
    const failures = failuresOf(e.name);
    const status: ProbeStatus = failures > 0 ? 'fail' : 'pass';
    const result: ProbeResult = {
      name: e.name,
      kind: 'http',
      status,
      durationMs: 1,
      metrics: {},
      ...(failures > 0 ? { error: { code: 'RP_ERR_UNEXPECTED_STATUS' as const, message: 'status 503' } } : {}),
      data: {
        kind: 'http',
        path: e.path,
        method: 'GET',
        statusCode: failures === samples ? 503 : 200,
        bytes: 2,
        phases: null,
        samples: Array.from({ length: samples }, (_, i) => SAMPLE(i >= failures)),
      },
    };
    return result;
  });
}

const dbRefused = (): ProbeResult => ({
  name: 'db-connect',
  kind: 'postgres',
  status: 'fail',
  durationMs: 1,
  metrics: {},
  error: { code: 'RP_ERR_DB_AUTH', message: 'password authentication failed for user "radar"' },
  findings: [
    raise('db_connection_failure', {
      severity: 'P1',
      summary: 'cannot use the database at db:5432/radar: database password authentication failed',
      evidence: ['RP_ERR_DB_AUTH'],
    }),
  ],
});

const provider = (name: 'openai' | 'github'): ProbeResult => ({
  name,
  kind: 'external',
  status: 'fail',
  durationMs: 1,
  metrics: {},
  error: { code: 'RP_ERR_EXT_UNAVAILABLE', message: `${name} answered 503` },
  data: { kind: 'external', dependency: name, up: false, probed: true, statusCode: 503, latencyMs: 5 },
  findings: [
    raise(name === 'openai' ? 'external_openai_failure' : 'external_github_failure', {
      severity: 'P3',
      summary: `${name} answering 503`,
      evidence: [`GET ${name} → 503`],
    }),
  ],
});

const run = (results: ProbeResult[]): Finding[] => diagnose(diagnosisInput(results, { summary: undefined, fromLoad: false }), ctx);
const worst = (findings: readonly Finding[]): string | null => findings.map((f) => f.severity).sort()[0] ?? null;

describe('the database: severity from the impact on the API (item 7)', () => {
  test('the probe cannot connect while every endpoint answers → P3, and it says the probe itself could not connect', () => {
    const findings = run([...endpoints([]), dbRefused()]);
    assert.equal(worst(findings), 'P3');
    const db = findings[0];
    assert.equal(db.cause, 'db_connection_failure');
    assert.match(db.summary, /the probe itself could not connect/);
    assert.match(db.runbook, /the probe's own connection/);
    const actions = db.actions.join('\n');
    assert.match(actions, /radar-probe-secrets -n prod/);
    assert.doesNotMatch(actions, /kubectl create secret generic deeptech-secrets|rollout restart/, 'a working production secret must not be rotated');
  });

  test("the API down and the database refusing → db_connection_failure leads, at the outage's P0, with the runbook's actions", () => {
    const findings = run([...endpoints(['health', 'papers', 'papers-near']), dbRefused()]);
    assert.deepEqual(
      findings.map((f) => `${f.severity} ${f.cause}`),
      ['P0 db_connection_failure', 'P0 api_outage'],
    );
    assert.ok(findings[0].actions.some((a) => a.startsWith('kubectl rollout restart deployment/radar-api -n prod')));
  });

  test('one endpoint failing alone is not what a refusing database does: the endpoint leads, the database is a notice', () => {
    const findings = run([...endpoints(['papers-near']), dbRefused()]);
    assert.deepEqual(
      findings.map((f) => `${f.severity} ${f.cause}`),
      ['P3 endpoint_failure', 'P3 db_connection_failure'],
    );
    assert.match(findings[1].summary, /the probe itself/);
  });
});

describe('dependency correlation (item 11)', () => {
  test('complete outage with OpenAI failing: OpenAI explains nothing, api_outage leads, OpenAI stays a P3 notice', () => {
    const findings = run([...endpoints(['health', 'papers', 'papers-near']), provider('openai')]);
    assert.equal(findings[0].cause, 'api_outage');
    const openai = findings.filter((f) => f.cause === 'external_openai_failure');
    assert.equal(openai.length, 1);
    assert.equal(openai[0].severity, 'P3');
    assert.doesNotMatch(openai[0].summary, /papers-near|likely cause/);
  });

  test('errors on every endpoint with OpenAI failing: no claim that OpenAI explains /v1/papers/near', () => {
    const findings = run([...endpoints([], 10, () => 3), provider('openai')]);
    assert.equal(findings[0].cause, 'high_error_rate');
    assert.ok(
      !findings.some((f) => /papers-near/.test(f.summary) && f.cause === 'external_openai_failure'),
      JSON.stringify(findings.map((f) => f.summary)),
    );
  });

  test('only papers-near failing and OpenAI 503: the correlated finding leads, with the configured OpenAI URL', () => {
    const findings = run([...endpoints(['papers-near']), provider('openai')]);
    assert.equal(findings[0].cause, 'external_openai_failure');
    assert.match(findings[0].summary, /papers-near failing .*OpenAI answering 503/);
    assert.equal(findings[0].severity, 'P3');
    assert.ok(findings.findIndex((f) => f.cause === 'endpoint_failure') > 0);
    assert.ok(findings[0].actions.includes(`curl -I ${OPENAI}`), findings[0].actions.join('\n'));
    assert.ok(!findings.flatMap((f) => f.actions).some((a) => a.includes('api.openai.com')));
    assert.equal(findings.filter((f) => f.cause === 'external_openai_failure').length, 1, 'the correlated finding replaces the standalone one');
  });

  test('a provider the failing endpoint does not use explains nothing: the endpoint leads', () => {
    const findings = run([...endpoints(['papers-near']), provider('github')]);
    assert.deepEqual(
      findings.map((f) => f.cause),
      ['endpoint_failure', 'external_github_failure'],
    );
  });
});

describe('the leading cause: root before symptom when it explains it, else by impact', () => {
  const cpu = (): ProbeResult => ({
    name: 'kubernetes',
    kind: 'kubernetes',
    status: 'fail',
    durationMs: 1,
    metrics: {},
    findings: [raise('cpu_saturation', { severity: 'P3', summary: 'CPU at ≥ 90% of the limit in 2 containers' })],
  });
  const p95 = (ms: number) => ({
    requests: 100,
    errors: 0,
    timeouts: 0,
    errorRate: 0,
    rps: 10,
    p50Ms: ms,
    p90Ms: ms,
    p95Ms: ms,
    p99Ms: ms,
    maxMs: ms,
  });

  test('CPU at its limit beside a P2 p95: cpu_saturation leads at P2 (Scenario 3 › Insufficient CPU)', () => {
    const findings = diagnose(diagnosisInput([...endpoints([]), cpu()], { summary: p95(1_500), fromLoad: true }), ctx);
    assert.deepEqual(
      findings.map((f) => `${f.severity} ${f.cause}`),
      ['P2 cpu_saturation', 'P2 high_latency'],
    );
  });

  test('CPU at its limit does not explain a complete outage: api_outage leads', () => {
    const findings = run([...endpoints(['health', 'papers', 'papers-near']), cpu()]);
    assert.deepEqual(
      findings.map((f) => `${f.severity} ${f.cause}`),
      ['P0 api_outage', 'P3 cpu_saturation'],
    );
  });
});

describe('a failing probe line says why (item 14)', () => {
  test('a probe that fails on its findings, without an error, shows their summaries in the human report', async () => {
    const kind = registered({
      name: 'cluster-like',
      params: z.object({}),
      run: async () => ({
        status: 'fail',
        findings: [raise('crash_loop', { severity: 'P0', summary: '2 pods crash-looping with no more specific cause found' })],
      }),
    });
    const http = new HttpResources();
    try {
      const runner = new Runner({
        kinds: { get: () => kind },
        base: { sections: config, target: config.target, log: silentLogger(), http, redact: (t) => t, raise },
        defaultTimeoutMs: 1_000,
      });
      const [result] = await runner.runAll([{ name: 'kubernetes', kind: 'cluster-like', params: {} }]);
      assert.match(result.reason ?? '', /crash_loop: 2 pods crash-looping/);
      const text = formatHuman(
        {
          scenario: 'errors',
          target: config.target,
          startedAt: '',
          durationMs: 1,
          passed: false,
          severity: 'P0',
          probes: [result],
          findings: [],
          thresholds: [],
        },
        PLAIN,
      );
      const line = text.split('\n').find((l) => l.includes('kubernetes'))!;
      assert.match(line, /FAIL\s+kubernetes\s+.*crash_loop: 2 pods crash-looping/);
    } finally {
      await http.close();
    }
  });
});
