import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LOAD_DEFAULTS, loadParamsFromConfig, suggestedLoadTimeoutMs } from '../../../probes/load/index.js';
import { resolvePlan } from '../../../probes/load/params.js';
import { isProbeError } from '../../../src/model/errors.js';
import { testConfig } from '../../helpers/context.js';

describe('load params', () => {
  test('defaults are the runbook check: ab -n 100 -c 10 on /v1/papers?limit=10', () => {
    const params = loadParamsFromConfig(testConfig('target: http://localhost:8000\n'));
    assert.deepEqual(params.requests, [{ path: '/v1/papers?limit=10', method: 'GET', headers: {} }]);
    assert.equal(params.connections, 10);
    const plan = resolvePlan(params);
    assert.deepEqual([plan.amount, plan.durationMs, plan.rate, plan.timeoutMs], [100, null, null, 10_000]);
    assert.equal(plan.origin, 'http://localhost:8000');
    assert.equal(LOAD_DEFAULTS.path, '/v1/papers?limit=10');
  });

  test('command-line size replaces the configured one; thresholds bring their percentiles', () => {
    const config = testConfig('target: http://localhost:8000\nload: { amount: 500, rate: 5, thresholds: ["p(99.5)<900"] }\n');
    const fromFile = loadParamsFromConfig(config);
    assert.deepEqual([fromFile.amount, fromFile.durationMs, fromFile.rate, fromFile.percentiles], [500, undefined, 5, [99.5]]);
    const fromCli = loadParamsFromConfig(config, { durationMs: 2_000, connections: 3, thresholds: ['p95<1'] });
    assert.deepEqual([fromCli.amount, fromCli.durationMs, fromCli.connections, fromCli.thresholds], [undefined, 2_000, 3, ['p95<1']]);
  });

  test('an endpoint body object is sent as JSON; an unknown endpoint is a config error', () => {
    const config = testConfig(
      'target: http://localhost:8000\nendpoints: [{ name: search, path: /v1/search, method: POST, body: { q: quantum } }]\nload: { endpoint: search }\n',
    );
    const [request] = loadParamsFromConfig(config).requests;
    assert.deepEqual(request, { path: '/v1/search', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"q":"quantum"}' });
    assert.throws(
      () => loadParamsFromConfig(config, { endpoint: 'nope' }),
      (err: unknown) => isProbeError(err) && err.code === 'RP_ERR_CONFIG_INVALID' && /no endpoint named "nope" \(known: search\)/.test(err.message),
    );
  });

  test('suggested probe timeout covers the run', () => {
    const base = { target: 'http://x', requests: [{ path: '/' }], connections: 10, timeoutMs: 10_000, abortOnErrorRate: 0.5, abortMinSamples: 50 };
    assert.equal(suggestedLoadTimeoutMs({ ...base, durationMs: 30_000 }), 45_000);
    assert.equal(suggestedLoadTimeoutMs({ ...base, amount: 100, rate: 20 }), 20_000);
    assert.equal(suggestedLoadTimeoutMs(base), 10 * 10_000 + 15_000);
  });

  test('requests resolve like the HTTP probe and may not leave the target', () => {
    const base = {
      target: 'http://127.0.0.1:8000/api',
      requests: [{ path: '/v1/x?q=1' }],
      connections: 1,
      timeoutMs: 1_000,
      abortOnErrorRate: 0.5,
      abortMinSamples: 5,
    };
    assert.equal(resolvePlan(base).requests[0].path, '/v1/x?q=1');
    assert.throws(() => resolvePlan({ ...base, requests: [{ path: 'http://elsewhere.example/' }] }), /leaves the target/);
    assert.throws(() => resolvePlan({ ...base, target: 'not a url' }), /not an absolute URL/);
    assert.throws(() => resolvePlan({ ...base, requests: [] }), /at least one request/);
    assert.throws(() => resolvePlan({ ...base, abortOnErrorRate: 2 }), /between 0 and 1/);
  });
});
