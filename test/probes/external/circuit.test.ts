import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createExternalProbe } from '../../../probes/external/index.js';
import { Circuit } from '../../../probes/external/circuit.js';
import { testConfig } from '../../helpers/context.js';
import { runExternalProbe, seriesValue, startGitHubStandIn, startOpenAiStandIn, type ProviderStandIn } from '../../helpers/providers.js';

describe('circuit breaker (injected clock, no sleeps)', () => {
  let openai: ProviderStandIn;
  let gh: ProviderStandIn;
  let clock = Date.UTC(2025, 10, 18, 9, 0, 0);
  const probe = createExternalProbe({ now: () => clock });
  before(async () => {
    [openai, gh] = await Promise.all([startOpenAiStandIn(), startGitHubStandIn()]);
  });
  after(() => Promise.all([openai.close(), gh.close()]));

  const yaml = 'external:\n  circuit: { failuresToOpen: 3, openFor: 60s, maxOpenFor: 5m }\n';
  const cfg = () => testConfig(yaml, { OPENAI_BASE_URL: openai.baseUrl, GITHUB_API_URL: gh.baseUrl });

  test('3 failures open it; while open nothing is sent and the last failure keeps standing; backoff doubles up to the cap', async () => {
    const memory = new Map<string, unknown>();
    const run = () => runExternalProbe(probe, cfg(), 'openai', { memory });
    openai.mode = '5xx';
    openai.requests.length = 0;
    for (let i = 1; i <= 3; i++) {
      const out = await run();
      assert.equal(out.error?.code, 'RP_ERR_EXT_UNAVAILABLE');
      assert.equal(out.metrics?.circuit, i < 3 ? 'closed' : 'open', `after failure ${i}`);
    }
    const open = await run();
    assert.equal(openai.requests.length, 3, 'an open circuit sends nothing');
    assert.equal(open.status, 'fail');
    assert.equal(open.error?.code, 'RP_ERR_EXT_CIRCUIT_OPEN');
    assert.match(open.error.message, /not probed until 2025-11-18T09:01:00\.000Z.*last result: OpenAI answered 503/);
    assert.equal(open.findings?.[0]?.cause, 'external_openai_failure', 'severity must not drop while open');
    assert.ok(open.findings[0].evidence.some((e) => /circuit open after 3 consecutive failure/.test(e)));
    assert.equal(open.metrics?.probed, false);
    assert.equal(seriesValue(open, 'probe_circuit_state', { dependency: 'openai', state: 'open' }), 1);
    assert.equal(seriesValue(open, 'probe_external_up', { dependency: 'openai' }), 0);
    assert.equal(seriesValue(open, 'probe_external_duration_seconds'), undefined);

    const expectedOpenFor = [120_000, 240_000, 300_000, 300_000]; // doubling, capped at maxOpenFor 5m
    for (const openFor of expectedOpenFor) {
      clock += 300_000; // past any open period: the next run is the half-open trial
      const trial = await run();
      assert.equal(trial.details?.circuit && (trial.details.circuit as { trial: boolean }).trial, true);
      assert.equal(trial.error?.code, 'RP_ERR_EXT_UNAVAILABLE');
      assert.equal((trial.details?.circuit as { openUntil: string }).openUntil, new Date(clock + openFor).toISOString());
    }
    assert.equal(openai.requests.length, 3 + expectedOpenFor.length, 'exactly one request per half-open trial');

    clock += 300_000;
    openai.mode = 'ok';
    const healed = await run();
    assert.equal(healed.status, 'pass');
    assert.equal(healed.metrics?.circuit, 'closed');
    assert.equal(healed.metrics?.consecutiveFailures, 0);
    openai.mode = '5xx';
    const again = await run();
    assert.equal(again.metrics?.circuit, 'closed', 'success resets the count: one new failure does not reopen');
  });

  test('a GitHub rate limit opens it at once until x-ratelimit-reset, capped by maxOpenFor', async () => {
    const memory = new Map<string, unknown>();
    gh.mode = 'ratelimited';
    gh.resetAt = Math.floor(clock / 1000) + 120;
    const out = await runExternalProbe(probe, cfg(), 'github', { memory });
    assert.equal(out.metrics?.circuit, 'open');
    assert.equal((out.details?.circuit as { openUntil: string }).openUntil, new Date(gh.resetAt * 1000).toISOString());
    const held = await runExternalProbe(probe, cfg(), 'github', { memory });
    assert.equal(held.error?.code, 'RP_ERR_EXT_CIRCUIT_OPEN');
    assert.deepEqual(
      held.findings?.map((f) => [f.cause, f.severity]),
      [['github_rate_limited', 'P2']],
    );
    assert.equal(seriesValue(held, 'probe_github_ratelimit_remaining'), 0, 'the last known quota keeps being exported');

    const far = new Map<string, unknown>();
    gh.resetAt = Math.floor(clock / 1000) + 3600;
    const capped = await runExternalProbe(probe, cfg(), 'github', { memory: far });
    assert.equal((capped.details?.circuit as { openUntil: string }).openUntil, new Date(clock + 300_000).toISOString());
  });

  test('OpenAI 429 opens it for x-ratelimit-reset-requests (20s); GitHub secondary limit for retry-after (60s)', async () => {
    openai.mode = '429';
    const o = await runExternalProbe(probe, cfg(), 'openai', { memory: new Map() });
    assert.equal((o.details?.circuit as { openUntil: string }).openUntil, new Date(clock + 20_000).toISOString());
    gh.mode = 'secondary';
    const g = await runExternalProbe(probe, cfg(), 'github', { memory: new Map() });
    assert.equal((g.details?.circuit as { openUntil: string }).openUntil, new Date(clock + 60_000).toISOString());
  });

  test('half-open allows a single trial; an abandoned trial returns to open', () => {
    let now = 1_000;
    const memory = new Map<string, unknown>();
    const c = new Circuit<string>(memory, 'k', { failuresToOpen: 1, openForMs: 100, maxOpenForMs: 1_000 }, () => now);
    c.failed('boom');
    assert.deepEqual(c.admit(), { admitted: false, openUntil: 1_100 });
    now = 1_100;
    assert.deepEqual(c.admit(), { admitted: true, trial: true });
    const concurrent = new Circuit<string>(memory, 'k', { failuresToOpen: 1, openForMs: 100, maxOpenForMs: 1_000 }, () => now);
    assert.equal(concurrent.admit().admitted, false, 'a second run while the trial is in flight is held');
    c.abandoned();
    assert.equal(c.snapshot().state, 'open');
    assert.deepEqual(c.admit(), { admitted: true, trial: true });
    c.succeeded();
    assert.equal(c.snapshot().state, 'closed');
  });
});
