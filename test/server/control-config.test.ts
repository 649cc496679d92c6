/** The config keys of the control surface: daemon.listen (loopback unless set), named API tokens, window caps. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { controlTokens } from '../../src/config/sections/incidents.js';
import { secretsOf } from '../../src/config/secrets.js';
import { createRedactor } from '../../src/support/redact.js';
import { testConfig } from '../helpers/context.js';

describe('control surface config', () => {
  test('daemon.listen: 127.0.0.1 unless set; daemon.host still read; nonsense refused', () => {
    assert.equal(testConfig('').daemon.listen, '127.0.0.1');
    assert.equal(testConfig('daemon: { listen: 0.0.0.0 }').daemon.listen, '0.0.0.0');
    assert.equal(testConfig('daemon: { listen: "::" }').daemon.listen, '::');
    assert.equal(testConfig('daemon: { host: 0.0.0.0 }').daemon.listen, '0.0.0.0', 'the former key');
    assert.equal(testConfig('daemon: { listen: "${PROBE_LISTEN:-127.0.0.1}" }', { PROBE_LISTEN: '0.0.0.0' }).daemon.listen, '0.0.0.0');
    assert.throws(() => testConfig('daemon: { listen: 0.0.0.0, host: 127.0.0.1 }'), /host is the former name of listen/);
    assert.throws(() => testConfig('daemon: { listen: "http://0.0.0.0:9464" }'), /daemon\.listen.*expected an address to bind/s);
  });

  test('apiToken is the token named "default"; apiTokens add named ones, all of them redacted', () => {
    assert.deepEqual(controlTokens(testConfig('').incidents), [], 'no token: the control API is off');
    const config = testConfig('incidents: { apiToken: "${TOKEN}", apiTokens: [{ name: alice, token: alice-secret-token-1234 }] }', {
      TOKEN: 'default-secret-token',
    });
    assert.deepEqual(
      controlTokens(config.incidents).map((t) => t.name),
      ['default', 'alice'],
    );
    const redact = createRedactor(secretsOf(config));
    assert.equal(redact('alice-secret-token-1234 default-secret-token'), '[REDACTED] [REDACTED]');
    assert.throws(() => testConfig('incidents: { apiTokens: [{ name: alice, token: short }] }'), /at least 16 characters/);
    assert.throws(
      () => testConfig('incidents: { apiTokens: [{ name: a, token: aaaaaaaaaaaaaaaa1 }, { name: a, token: bbbbbbbbbbbbbbbb2 }] }'),
      /token name "a" is used twice/,
    );
  });

  test('maintenance window caps: 50 windows of at most 7 days unless configured', () => {
    assert.deepEqual(testConfig('').incidents.maintenanceLimits, { windows: 50, maxDuration: 7 * 24 * 3_600_000 });
    assert.equal(testConfig('incidents: { maintenanceLimits: { maxDuration: 12h } }').incidents.maintenanceLimits.maxDuration, 12 * 3_600_000);
    assert.throws(() => testConfig('incidents: { maintenanceLimits: { windows: 0 } }'), /windows/);
  });
});
