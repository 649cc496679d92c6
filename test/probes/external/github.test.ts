import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { externalProbe } from '../../../probes/external/index.js';
import { judge } from '../../../probes/external/classify.js';
import { resolveDependency, type DependencyTarget } from '../../../probes/external/presets.js';
import type { Exchange } from '../../../src/clients/exchange.js';
import { testConfig } from '../../helpers/context.js';
import { runExternalProbe, seriesValue, startGitHubStandIn, type ProviderStandIn } from '../../helpers/providers.js';

const TOKEN = 'ghp_GITHUBplantedTOKEN0123456789abcdefXYZ';

describe('external probe: GitHub', () => {
  let gh: ProviderStandIn;
  before(async () => {
    gh = await startGitHubStandIn();
  });
  after(() => gh.close());

  const config = (env: Record<string, string> = {}, yaml = '') => testConfig(yaml, { GITHUB_API_URL: gh.baseUrl, GITHUB_TOKEN: TOKEN, ...env });
  const run = (cfg = config()) => runExternalProbe(externalProbe, cfg, 'github');

  test('ok: GET /rate_limit with GitHub headers → pass and the rate-limit figures as metrics and series', async () => {
    gh.mode = 'ok';
    gh.requests.length = 0;
    const out = await run();
    assert.equal(out.status, 'pass', JSON.stringify(out.error));
    const sent = gh.requests[0];
    assert.equal(sent.path, '/rate_limit');
    assert.equal(sent.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(sent.headers.accept, 'application/vnd.github+json');
    assert.equal(sent.headers['x-github-api-version'], '2022-11-28');
    assert.match(String(sent.headers['user-agent']), /radar-probe/);
    assert.deepEqual(out.metrics?.rateLimit, {
      resource: 'core',
      limit: 5000,
      remaining: 4999,
      used: 1,
      reset: new Date(gh.resetAt * 1000).toISOString(),
    });
    assert.equal(seriesValue(out, 'probe_github_ratelimit_remaining', { resource: 'core' }), 4999);
    assert.equal(seriesValue(out, 'probe_github_ratelimit_limit'), 5000);
    assert.equal(seriesValue(out, 'probe_github_ratelimit_reset_timestamp_seconds'), gh.resetAt);
    assert.equal(out.findings, undefined);
  });

  test('below the threshold (2 % left) → still pass, with github_rate_limited P3', async () => {
    gh.mode = 'low';
    const out = await run();
    assert.equal(out.status, 'pass');
    const finding = out.findings?.find((f) => f.cause === 'github_rate_limited');
    assert.ok(finding);
    assert.equal(finding.severity, 'P3');
    assert.match(finding.summary, /100 of 5000 left/);
    assert.ok(finding.evidence.some((e) => /x-ratelimit-remaining: 100 of 5000 \(2\.0 % left/.test(e)));
    const relaxed = await run(config({}, 'external:\n  github: { rateLimitThreshold: 0.01 }\n'));
    assert.equal(relaxed.findings, undefined, 'a configurable threshold: 2 % left is fine at 1 %');
  });

  test('403 with x-ratelimit-remaining: 0 → rate limited (not credentials), github_rate_limited P2', async () => {
    gh.mode = 'ratelimited';
    const out = await run();
    assert.equal(out.status, 'fail');
    assert.equal(out.error?.code, 'RP_ERR_EXT_RATE_LIMITED');
    assert.match(out.error.message, /API rate limit exceeded for user ID/);
    assert.deepEqual(
      out.findings?.map((f) => [f.cause, f.severity]),
      [['github_rate_limited', 'P2']],
    );
    assert.equal(seriesValue(out, 'probe_github_ratelimit_remaining'), 0);
  });

  test('/rate_limit answering 200 with core remaining 0 → rate limited, P2', async () => {
    gh.mode = 'exhausted';
    const out = await run();
    assert.equal(out.error?.code, 'RP_ERR_EXT_RATE_LIMITED');
    assert.equal(out.findings?.[0]?.cause, 'github_rate_limited');
    assert.equal(out.findings?.[0]?.severity, 'P2');
    assert.match(out.findings[0].summary, /exhausted until/);
  });

  test('secondary limit (403 + retry-after) and 429 → rate limited', async () => {
    for (const mode of ['secondary', '429'] as const) {
      gh.mode = mode;
      const out = await run();
      assert.equal(out.error?.code, 'RP_ERR_EXT_RATE_LIMITED', mode);
      assert.equal(out.findings?.[0]?.cause, 'github_rate_limited', mode);
      assert.match(out.error.message, /secondary rate limit/);
    }
  });

  test('401 Bad credentials and a plain 403 → RP_ERR_EXT_AUTH with external_github_failure', async () => {
    for (const mode of ['401', '403'] as const) {
      gh.mode = mode;
      const out = await run();
      assert.equal(out.error?.code, 'RP_ERR_EXT_AUTH', mode);
      assert.equal(out.findings?.[0]?.cause, 'external_github_failure', mode);
      assert.equal(out.findings?.[0]?.severity, 'P3');
    }
  });

  test('503 unicorn page → RP_ERR_EXT_UNAVAILABLE; the HTML is not quoted as the provider message', async () => {
    gh.mode = '5xx';
    const out = await run();
    assert.equal(out.error?.code, 'RP_ERR_EXT_UNAVAILABLE');
    assert.equal(out.details?.providerMessage, null);
    assert.equal(out.findings?.[0]?.cause, 'external_github_failure');
    assert.match(out.findings[0].summary, /GitHub answering 503/);
  });

  test('no token: unauthenticated (60/h) and the finding says why the limit is low', async () => {
    gh.mode = 'ratelimited';
    gh.requests.length = 0;
    const out = await run(config({ GITHUB_TOKEN: '' }));
    assert.equal(gh.requests[0].headers.authorization, undefined);
    assert.match(String(out.details?.note), /no GITHUB_TOKEN configured/);
    assert.ok(out.findings?.[0]?.evidence.some((e) => /unauthenticated/.test(e)));
    assert.equal((out.metrics?.rateLimit as { limit: number }).limit, 60);
  });

  test('200 that is not a rate-limit document → RP_ERR_INVALID_JSON', async () => {
    gh.mode = 'notjson';
    const out = await run();
    assert.equal(out.error?.code, 'RP_ERR_INVALID_JSON');
  });
});

describe('classification by headers alone', () => {
  const target = resolveGitHub();
  const ex = (status: number, headers: Record<string, string>, body: unknown): Exchange => ({
    status,
    headers,
    body: JSON.stringify(body),
    truncated: false,
    durationMs: 1,
  });
  const id = (t: string): string => t;

  test('403 + x-ratelimit-remaining: 0 is a rate limit whatever the body says; its reset is the retry time', () => {
    const v = judge(target, ex(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1763456400' }, { message: 'Forbidden' }), 0, id);
    assert.equal(v.error?.code, 'RP_ERR_EXT_RATE_LIMITED');
    assert.equal(v.retryAt, 1763456400_000);
  });

  test('403 with quota left and no retry-after is a credentials problem', () => {
    const v = judge(target, ex(403, { 'x-ratelimit-remaining': '4999' }, { message: 'Forbidden' }), 0, id);
    assert.equal(v.error?.code, 'RP_ERR_EXT_AUTH');
    assert.equal(v.retryAt, null);
  });

  test('retry-after as an HTTP date', () => {
    const v = judge(target, ex(429, { 'retry-after': 'Tue, 18 Nov 2025 09:05:00 GMT' }, {}), 0, id);
    assert.equal(v.retryAt, Date.UTC(2025, 10, 18, 9, 5, 0));
  });
});

function resolveGitHub(): DependencyTarget {
  const resolved = resolveDependency(testConfig('', { GITHUB_API_URL: 'http://127.0.0.1:9', GITHUB_TOKEN: TOKEN }), 'github');
  assert.ok(resolved.ok);
  return resolved.target;
}
