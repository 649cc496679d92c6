import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { externalProbe } from '../../../probes/external/index.js';
import { testConfig } from '../../helpers/context.js';
import { runExternalProbe, seriesValue, startOpenAiStandIn, type ProviderStandIn } from '../../helpers/providers.js';

const KEY = 'sk-proj-OPENAIplantedKEY0123456789abcdef';

describe('external probe: OpenAI', () => {
  let openai: ProviderStandIn;
  before(async () => {
    openai = await startOpenAiStandIn();
  });
  after(() => openai.close());

  const config = (extra: Record<string, string> = {}, yaml = 'external:\n  openai: { timeout: 400ms }\n') =>
    testConfig(yaml, { OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: KEY, ...extra });
  const run = (cfg = config()) => runExternalProbe(externalProbe, cfg, 'openai');

  test('ok: GET {url}/models with the bearer key → pass, up=1, circuit closed', async () => {
    openai.mode = 'ok';
    openai.requests.length = 0;
    const out = await run();
    assert.equal(out.status, 'pass', JSON.stringify(out.error));
    assert.equal(openai.requests.length, 1);
    assert.equal(openai.requests[0].path, '/v1/models');
    assert.equal(openai.requests[0].headers.authorization, `Bearer ${KEY}`);
    assert.equal(out.metrics?.statusCode, 200);
    assert.equal(out.details?.authenticated, true);
    assert.equal(seriesValue(out, 'probe_external_up', { dependency: 'openai' }), 1);
    assert.equal(seriesValue(out, 'probe_circuit_state', { dependency: 'openai', state: 'closed' }), 1);
    assert.equal(seriesValue(out, 'probe_circuit_state', { dependency: 'openai', state: 'open' }), 0);
    assert.ok((seriesValue(out, 'probe_external_duration_seconds', { dependency: 'openai' }) ?? -1) >= 0);
    assert.equal(out.findings, undefined);
  });

  test('no key: still probed, unauthenticated, and the details say so', async () => {
    openai.mode = 'ok';
    openai.requests.length = 0;
    const out = await run(config({ OPENAI_API_KEY: '' }));
    assert.equal(out.status, 'pass');
    assert.equal(openai.requests[0].headers.authorization, undefined);
    assert.equal(out.details?.authenticated, false);
    assert.match(String(out.details?.note), /no OPENAI_API_KEY configured: reachability check only \(a 401\/403 answer counts as reachable\)/);
  });

  test('no key: a 401 proves OpenAI reachable (pass, no finding); with a key the same 401 is a credentials failure', async () => {
    openai.mode = '401';
    const keyless = await run(config({ OPENAI_API_KEY: '' }));
    assert.equal(keyless.status, 'pass');
    assert.equal(keyless.findings, undefined);
    assert.match(String(keyless.details?.note), /reachability check only/);
    const keyed = await run(config());
    assert.equal(keyed.status, 'fail');
    assert.equal(keyed.error?.code, 'RP_ERR_EXT_AUTH');
  });

  test('503 → RP_ERR_EXT_UNAVAILABLE and finding external_openai_failure (P3) with status, class, latency', async () => {
    openai.mode = '5xx';
    const out = await run();
    assert.equal(out.status, 'fail');
    assert.equal(out.error?.code, 'RP_ERR_EXT_UNAVAILABLE');
    assert.match(out.error.message, /OpenAI answered 503 \(provider outage\): The server is overloaded/);
    assert.equal(out.details?.summary, 'OpenAI answering 503 (provider answered with a server error)');
    const finding = out.findings?.find((f) => f.cause === 'external_openai_failure');
    assert.ok(finding, JSON.stringify(out.findings));
    assert.equal(finding.severity, 'P3');
    assert.match(finding.evidence.join('\n'), /GET http:\/\/127\.0\.0\.1:\d+\/v1\/models → 503 in \d+\.\d ms/);
    assert.match(finding.evidence.join('\n'), /class: RP_ERR_EXT_UNAVAILABLE/);
    // the configured OpenAI (a proxy, a mirror, this stand-in), not the public host (issue 12 item 11)
    assert.ok(finding.actions.includes(`curl -I ${openai.baseUrl.replace(/\/+$/, '')}`), finding.actions.join('\n'));
    assert.ok(!finding.actions.some((a) => a.includes('api.openai.com')), finding.actions.join('\n'));
    assert.equal(seriesValue(out, 'probe_external_up', { dependency: 'openai' }), 0);
  });

  test('429 → RP_ERR_EXT_RATE_LIMITED, still an external_openai_failure finding', async () => {
    openai.mode = '429';
    const out = await run();
    assert.equal(out.error?.code, 'RP_ERR_EXT_RATE_LIMITED');
    assert.match(out.error.message, /rate_limit_exceeded/);
    assert.equal(out.findings?.[0]?.cause, 'external_openai_failure');
  });

  test('401 → RP_ERR_EXT_AUTH; the masked key OpenAI echoes is scrubbed too', async () => {
    openai.mode = '401';
    const out = await run();
    assert.equal(out.error?.code, 'RP_ERR_EXT_AUTH');
    assert.match(out.error.message, /Incorrect API key provided: \[REDACTED\]/);
    assert.doesNotMatch(JSON.stringify(out), /sk-\*|cdef/);
  });

  test('403 (region not supported) → RP_ERR_EXT_AUTH', async () => {
    openai.mode = '403';
    const out = await run();
    assert.equal(out.error?.code, 'RP_ERR_EXT_AUTH');
    assert.match(out.error.message, /unsupported_country_region_territory/);
  });

  test('200 that is not a model list (captive portal) → RP_ERR_INVALID_JSON', async () => {
    openai.mode = 'notjson';
    const out = await run();
    assert.equal(out.status, 'fail');
    assert.equal(out.error?.code, 'RP_ERR_INVALID_JSON');
  });

  test('hang → RP_ERR_RESPONSE_TIMEOUT within the dependency timeout', async () => {
    openai.mode = 'hang';
    const started = Date.now();
    const out = await run();
    assert.equal(out.error?.code, 'RP_ERR_RESPONSE_TIMEOUT');
    assert.ok(Date.now() - started < 2_000, 'the 400ms dependency timeout bounds the probe');
    assert.equal(out.findings?.[0]?.cause, 'external_openai_failure');
    assert.match(String(out.details?.summary), /OpenAI unreachable \(response did not arrive in time\)/);
  });

  test('empty url or enabled:false → skipped with the reason; unknown dependency → config error', async () => {
    const empty = await run(config({ OPENAI_BASE_URL: '' }, 'external:\n  openai: { url: "" }\n'));
    assert.equal(empty.status, 'skipped');
    assert.match(empty.reason!, /external\.openai\.url is empty/);
    const disabled = await run(config({}, 'external:\n  openai: { enabled: false }\n'));
    assert.equal(disabled.status, 'skipped');
    assert.match(disabled.reason!, /disabled/);
    const unknown = await runExternalProbe(externalProbe, config(), 'stripe');
    assert.equal(unknown.status, 'error');
    assert.equal(unknown.error?.code, 'RP_ERR_CONFIG_INVALID');
    assert.match(unknown.error.message, /known: openai, github/);
    // a non-http URL no longer reaches the probe: loading the config refuses it, naming the key and not the value
    assert.throws(
      () => config({ OPENAI_BASE_URL: 'ftp://example.invalid' }),
      (err: unknown) => {
        const { code, message } = err as { code?: string; message?: string };
        return (
          code === 'RP_ERR_CONFIG_INVALID' &&
          /^external\.openai\.url: .*\$\{OPENAI_BASE_URL\}/.test(message ?? '') &&
          !message?.includes('example.invalid')
        );
      },
    );
  });

  test('a dependency from external.others is probed with its configured headers', async () => {
    openai.mode = 'ok';
    openai.requests.length = 0;
    const cfg = config(
      {},
      `external:\n  others:\n    - { name: embeddings, url: "${openai.baseUrl}/models", headers: { x-api-key: other-secret-value } }\n`,
    );
    const out = await runExternalProbe(externalProbe, cfg, 'embeddings');
    assert.equal(out.status, 'pass');
    assert.equal(openai.requests[0].headers['x-api-key'], 'other-secret-value');
    openai.mode = '5xx';
    const down = await runExternalProbe(externalProbe, cfg, 'embeddings');
    assert.equal(down.error?.code, 'RP_ERR_EXT_UNAVAILABLE');
    assert.equal(down.details?.summary, 'embeddings answering 503 (provider answered with a server error)');
  });
});
