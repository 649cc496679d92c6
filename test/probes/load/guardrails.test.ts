import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkLoadGuardrails, isLoopbackHost } from '../../../probes/load/index.js';
import { isProbeError } from '../../../src/model/errors.js';
import { testConfig } from '../../helpers/context.js';

const caps = testConfig('target: https://api.example.com\n').load.caps;

function refuses(fn: () => void, code: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => isProbeError(err) && err.code === code && message.test(err.message));
}

describe('checkLoadGuardrails', () => {
  const local = new URL('http://127.0.0.1:8000');

  test('defaults pass; every cap is named when exceeded', () => {
    checkLoadGuardrails({ connections: 10, amount: 100 }, caps, local, []);
    checkLoadGuardrails({ connections: 200, rate: 2000, durationMs: 50_000 }, caps, local, []);
    refuses(
      () => checkLoadGuardrails({ connections: 1_000_000 }, caps, local, []),
      'RP_ERR_LOAD_CAP',
      /^--connections 1000000 exceeds the cap of 200 \(load\.caps\.connections\)/,
    );
    refuses(
      () => checkLoadGuardrails({ connections: 1, rate: 5000 }, caps, local, []),
      'RP_ERR_LOAD_CAP',
      /--rate 5000 exceeds the cap of 2000 \(load\.caps\.rate\)/,
    );
    refuses(
      () => checkLoadGuardrails({ connections: 1, durationMs: 600_000 }, caps, local, []),
      'RP_ERR_LOAD_CAP',
      /--duration 10m exceeds the cap of 5m \(load\.caps\.duration\)/,
    );
    refuses(
      () => checkLoadGuardrails({ connections: 1, amount: 200_000 }, caps, local, []),
      'RP_ERR_LOAD_CAP',
      /--amount 200000 exceeds the cap of 100000 \(load\.caps\.amount\)/,
    );
    refuses(
      () => checkLoadGuardrails({ connections: 1, rate: 1000, durationMs: 300_000 }, caps, local, []),
      'RP_ERR_LOAD_CAP',
      /300000 requests .* \(load\.caps\.amount\)/,
    );
  });

  test('an amount at a fixed rate is a duration: it cannot bypass the duration cap', () => {
    checkLoadGuardrails({ connections: 1, rate: 10, amount: 100 }, caps, local, []);
    refuses(
      () => checkLoadGuardrails({ connections: 1, rate: 0.0001, amount: 2 }, caps, local, []),
      'RP_ERR_LOAD_CAP',
      /^the run 20000s \(2 requests at --rate 0\.0001\) exceeds the cap of 5m \(load\.caps\.duration\)/,
    );
    // no amount: the default amount (100) at the rate
    refuses(
      () => checkLoadGuardrails({ connections: 1, rate: 0.1 }, caps, local, []),
      'RP_ERR_LOAD_CAP',
      /100 requests at --rate 0\.1.*load\.caps\.duration/,
    );
  });

  test('caps are overridable in config', () => {
    const raised = testConfig('target: http://localhost\nload: { caps: { connections: 2000 } }\n').load.caps;
    checkLoadGuardrails({ connections: 1000 }, raised, local, []);
  });

  test('nonsense values are usage errors', () => {
    for (const opts of [{ connections: 0 }, { connections: 1.5 }, { connections: 1, rate: -1 }, { connections: 1, amount: Number.NaN }]) {
      refuses(() => checkLoadGuardrails(opts, caps, local, []), 'RP_ERR_USAGE', /not a positive/);
    }
  });

  test('hosts: loopback and the configured target are allowed, others need load.allowedHosts', () => {
    for (const url of ['http://localhost:1', 'http://127.0.0.2', 'http://[::1]:80', 'http://app.localhost']) {
      checkLoadGuardrails({ connections: 1 }, caps, new URL(url), []);
    }
    const prod = new URL('https://api.example.com/v1/papers');
    checkLoadGuardrails({ connections: 1 }, caps, prod, [], 'https://api.example.com');
    refuses(
      () => checkLoadGuardrails({ connections: 1 }, caps, prod, [], 'http://localhost:8000'),
      'RP_ERR_LOAD_HOST_NOT_ALLOWED',
      /api\.example\.com is not allowed/,
    );
    checkLoadGuardrails({ connections: 1 }, caps, prod, ['api.example.com']);
    checkLoadGuardrails({ connections: 1 }, caps, prod, ['*.example.com']);
    checkLoadGuardrails({ connections: 1 }, caps, prod, ['*']);
    refuses(
      () => checkLoadGuardrails({ connections: 1 }, caps, prod, ['example.com', 'api.example.com:8443']),
      'RP_ERR_LOAD_HOST_NOT_ALLOWED',
      /allowedHosts/,
    );
    refuses(() => checkLoadGuardrails({ connections: 1 }, caps, new URL('ftp://127.0.0.1'), []), 'RP_ERR_USAGE', /not an http/);
  });

  test('isLoopbackHost', () => {
    assert.deepEqual(['127.0.0.1', 'localhost', '[::1]', '10.0.0.1', 'localhost.example.com', '::ffff:127.0.0.1'].map(isLoopbackHost), [
      true,
      true,
      true,
      false,
      false,
      true,
    ]);
  });
});
