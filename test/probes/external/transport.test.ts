import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { externalProbe } from '../../../probes/external/index.js';
import { ProbeError } from '../../../src/model/errors.js';
import { testConfig } from '../../helpers/context.js';
import { runExternalProbe, startOpenAiStandIn, type ProviderStandIn } from '../../helpers/providers.js';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('external probe: transport failures', () => {
  let openai: ProviderStandIn;
  before(async () => {
    openai = await startOpenAiStandIn();
  });
  after(() => openai.close());

  const run = (url: string, memory?: Map<string, unknown>) =>
    runExternalProbe(
      externalProbe,
      testConfig('external:\n  openai: { timeout: 2s }\n', { OPENAI_BASE_URL: url }),
      'openai',
      memory ? { memory } : {},
    );

  test('DNS failure (.invalid host) → RP_ERR_DNS, "OpenAI unreachable"', async () => {
    const out = await run('http://api.openai-stand-in.invalid/v1');
    assert.equal(out.status, 'fail');
    assert.equal(out.error?.code, 'RP_ERR_DNS');
    assert.equal(out.details?.summary, 'OpenAI unreachable (host name could not be resolved)');
    assert.equal(out.findings?.[0]?.cause, 'external_openai_failure');
    assert.ok(out.findings[0].evidence.some((e) => /→ no response in/.test(e)));
  });

  test('connect refused (closed port) → RP_ERR_CONN_REFUSED', async () => {
    const out = await run(`http://127.0.0.1:${await closedPort()}/v1`);
    assert.equal(out.error?.code, 'RP_ERR_CONN_REFUSED');
    assert.equal(out.metrics?.statusCode, null);
  });

  test('TLS failure (https to a plain-HTTP port) → RP_ERR_TLS', async () => {
    const out = await run(`https://127.0.0.1:${openai.port}/v1`);
    assert.equal(out.error?.code, 'RP_ERR_TLS', out.error?.message);
  });

  test('shutdown abort → error RP_ERR_PROBE_ABORTED, not counted against the provider', async () => {
    openai.mode = 'hang';
    const controller = new AbortController();
    const memory = new Map<string, unknown>();
    const cfg = testConfig('', { OPENAI_BASE_URL: openai.baseUrl });
    const running = runExternalProbe(externalProbe, cfg, 'openai', { memory, signal: controller.signal });
    // abort once the stand-in holds the request: an event, not a timer
    await new Promise<void>((resolve) => {
      const check = (): void => (openai.requests.length > 0 ? resolve() : void setImmediate(check));
      check();
    });
    controller.abort(new ProbeError('RP_ERR_PROBE_ABORTED', 'shutting down'));
    const out = await running;
    assert.equal(out.status, 'error');
    assert.equal(out.error?.code, 'RP_ERR_PROBE_ABORTED');
    assert.equal((memory.get('circuit:openai') as { consecutiveFailures: number }).consecutiveFailures, 0);
  });
});
