/** URL and header credentials are scrubbed from any text, named in the config or not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRedactor, redactDeep } from '../../src/support/redact.js';
import { secretsOf } from '../../src/config/secrets.js';
import { testConfig } from '../helpers/context.js';

const redact = createRedactor([]);

test('credential-bearing URL and header parts are redacted; what identifies the thing stays', () => {
  const cases: [string, string][] = [
    ['POST https://hooks.slack.com/services/T0123/B4567/abcDEF123ghi failed', 'POST https://hooks.slack.com/services/[REDACTED] failed'],
    ['https://discord.com/api/webhooks/123456/tok_EN-value.x', 'https://discord.com/api/webhooks/123456/[REDACTED]'],
    ['postgres://radar:s3cret@db:5432/radar', 'postgres://radar:[REDACTED]@db:5432/radar'],
    ['https://ghp_abcdef123456@github.com/x', 'https://[REDACTED]@github.com/x'],
    ['GET /hook?channel=ops&token=abc123&key=k9', 'GET /hook?channel=ops&token=[REDACTED]&key=[REDACTED]'],
    ['{"routing_key":"R0UT1NG","event_action":"trigger"}', '{"routing_key":"[REDACTED]","event_action":"trigger"}'],
    ['headers={"authorization":"Bearer abc.def","x-api-key":"k-123"}', 'headers={"authorization":"[REDACTED]","x-api-key":"[REDACTED]"}'],
    ['Authorization: Basic dXNlcjpwYXNz', 'Authorization: [REDACTED]'],
  ];
  for (const [input, expected] of cases) assert.equal(redact(input), expected, input);
  assert.equal(redact('postgres://radar@db/radar'), 'postgres://radar@db/radar', 'a database user name alone is no secret');
});

test('sink secrets are collected with the forms a server echoes them in', () => {
  const config = testConfig(
    'notify:\n' +
      '  - { type: webhook, url: "https://hooks.example.com/in/0123456789abcdefXYZ?sig=longsignature99", headers: { X-Token: header-secret-1 } }\n' +
      '  - { type: pagerduty, routingKey: R0UTINGKEY0123456789 }\n',
  );
  const scrub = createRedactor(secretsOf(config));
  const echoed =
    'body={"url":"https:\\/\\/hooks.example.com\\/in\\/0123456789abcdefXYZ"} key=R0UTINGKEY0123456789 h=header-secret-1 s=longsignature99';
  const clean = scrub(echoed);
  for (const secret of ['0123456789abcdefXYZ', 'R0UTINGKEY0123456789', 'header-secret-1', 'longsignature99'])
    assert.ok(!clean.includes(secret), `${secret} in ${clean}`);
});

test('redactDeep copies only what it changed: an untouched tree comes back as it was', () => {
  const redact = createRedactor(['hunter2']);
  const clean = { a: [1, 'x', { b: null }], c: { d: 'y' } };
  assert.equal(redactDeep(clean, redact), clean);
  const dirty = { keep: { d: 'y' }, list: ['ok', 'pw hunter2'], n: 3 };
  const out = redactDeep(dirty, redact);
  assert.notEqual(out, dirty);
  assert.equal(out.keep, dirty.keep, 'an unchanged branch is shared');
  assert.deepEqual(out, { keep: { d: 'y' }, list: ['ok', 'pw [REDACTED]'], n: 3 });
  assert.deepEqual(dirty.list, ['ok', 'pw hunter2'], 'the input is not modified');
  assert.deepEqual(Object.keys(out), ['keep', 'list', 'n'], 'keys keep their order');
  assert.equal(redact('hunter2'), '[REDACTED]', 'a configured secret goes also from a text no credential pattern could match');
  const when = { at: new Date(0) };
  assert.deepEqual(redactDeep(when, redact), { at: {} }, 'non-plain objects are still rebuilt as plain ones');
});
