import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { externalProbe } from '../../../probes/external/index.js';
import { createLogger } from '../../../src/support/log.js';
import { secretsOf } from '../../../src/config/secrets.js';
import { createRedactor } from '../../../src/support/redact.js';
import { testConfig } from '../../helpers/context.js';
import { runExternalProbe, startGitHubStandIn, startOpenAiStandIn, type ProviderMode, type ProviderStandIn } from '../../helpers/providers.js';

const OPENAI_KEY = 'sk-proj-PLANTEDopenaiSECRET7f3c1e0b5a2d4c6e';
const GITHUB_TOKEN = 'ghp_PLANTEDgithubSECRET9a0b1c2d3e4f5a6b7c';
const OTHER_KEY = 'other-PLANTED-secret-4242-abcd';
const MODES: ProviderMode[] = ['ok', 'low', 'exhausted', '5xx', '429', '401', '403', 'ratelimited', 'secondary', 'leak', 'notjson'];

describe('secrets: sent as credentials, never in outcomes or logs', () => {
  let openai: ProviderStandIn;
  let gh: ProviderStandIn;
  before(async () => {
    [openai, gh] = await Promise.all([startOpenAiStandIn(), startGitHubStandIn()]);
  });
  after(() => Promise.all([openai.close(), gh.close()]));

  test('every mode of every provider, including a proxy that echoes the Authorization header', async () => {
    const env = { OPENAI_BASE_URL: openai.baseUrl, OPENAI_API_KEY: OPENAI_KEY, GITHUB_API_URL: gh.baseUrl, GITHUB_TOKEN };
    const yaml = `external:\n  others:\n    - { name: vendor, url: "${openai.baseUrl}/models", headers: { authorization: "Bearer ${OTHER_KEY}" } }\n`;
    const config = testConfig(yaml, env);
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const log = createLogger({ level: 'debug', destination: sink, redact: createRedactor(secretsOf(config, env)) });
    const outputs: string[] = [];
    for (const mode of MODES) {
      openai.mode = mode;
      gh.mode = mode;
      const memory = new Map<string, unknown>();
      // four runs per dependency: with failuresToOpen 3 the last one is the open-circuit replay of a failure
      for (let i = 0; i < 4; i++) {
        for (const dependency of ['openai', 'github', 'vendor']) {
          outputs.push(JSON.stringify(await runExternalProbe(externalProbe, config, dependency, { log, memory })));
        }
      }
    }
    assert.ok(
      outputs.some((o) => o.includes('RP_ERR_EXT_CIRCUIT_OPEN')),
      'replays were serialized too',
    );
    const everything = outputs.join('\n') + lines.join('');
    for (const secret of [OPENAI_KEY, GITHUB_TOKEN, OTHER_KEY]) {
      assert.ok(!everything.includes(secret), `secret ${secret.slice(0, 12)}… leaked`);
      assert.ok(!everything.includes(secret.slice(-12)), `a tail of ${secret.slice(0, 12)}… leaked`);
    }
    assert.ok(everything.includes('[REDACTED]'), 'the leak mode really did echo something that had to be removed');
    assert.ok(lines.length > 0, 'the probe logged, so the log path was exercised');

    assert.ok(
      openai.requests.some((r) => r.headers.authorization === `Bearer ${OPENAI_KEY}`),
      'OpenAI got the key',
    );
    assert.ok(
      gh.requests.some((r) => r.headers.authorization === `Bearer ${GITHUB_TOKEN}`),
      'GitHub got the token',
    );
    assert.ok(
      openai.requests.some((r) => r.headers.authorization === `Bearer ${OTHER_KEY}`),
      'the other dependency got its header',
    );
  });
});
