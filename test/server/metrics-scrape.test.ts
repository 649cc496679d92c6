/** /metrics on the wire: gzip when the scraper asks for it (Prometheus always does), and per-endpoint histograms opt-in. */
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { Daemon } from '../../src/daemon/daemon.js';
import { switchableRedactor } from '../../src/daemon/generation.js';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { acceptsGzip } from '../../src/server/compress.js';
import { startServer, type DaemonSurface, type RunningServer } from '../../src/server/server.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';

/** raw bytes and headers: fetch would inflate the body itself and hide what went over the wire */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('/metrics compression', () => {
  // a fixed text, so the plain and the compressed answer can be compared byte for byte
  const text = `# HELP probe_success x\n# TYPE probe_success gauge\n${Array.from({ length: 2000 }, (_, i) => `probe_success{probe="ep-${i}",kind="http"} 1\n`).join('')}`;
  let server: RunningServer;
  before(async () => {
    const surface = {
      metrics: () => Promise.resolve({ contentType: 'text/plain; version=0.0.4; charset=utf-8', text }),
      incidents: () => undefined,
    } as unknown as DaemonSurface;
    server = await startServer(surface, { host: '127.0.0.1', port: 0, log: silentLogger() });
  });
  after(() => server.close());

  test('gzip-encoded when the scraper accepts gzip, and identical after gunzip', async () => {
    const zipped = await rawGet(`${server.url}/metrics`, { 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'accept-encoding');
    assert.equal(Number(zipped.headers['content-length']), zipped.body.length);
    assert.ok(zipped.body.length < text.length / 5, `${zipped.body.length} bytes compressed of ${text.length}`);
    assert.equal(gunzipSync(zipped.body).toString(), text);
  });

  test('plain without Accept-Encoding, or when gzip is refused', async () => {
    for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'gzip;q=0, identity' }] as Record<string, string>[]) {
      const plain = await rawGet(`${server.url}/metrics`, headers);
      assert.equal(plain.headers['content-encoding'], undefined, JSON.stringify(headers));
      assert.equal(plain.body.toString(), text);
    }
  });

  test('Accept-Encoding parsing', () => {
    assert.equal(acceptsGzip('gzip'), true);
    assert.equal(acceptsGzip('deflate, GZIP;q=0.5'), true);
    assert.equal(acceptsGzip('*'), true);
    assert.equal(acceptsGzip('gzip;q=0'), false);
    assert.equal(acceptsGzip('gzip;q=0, *'), false);
    assert.equal(acceptsGzip('br'), false);
    assert.equal(acceptsGzip(undefined), false);
  });
});

describe('per-endpoint histograms beyond metrics.endpointHistogramsUpTo', () => {
  let api: SimulatedApi;
  before(async () => {
    api = await startSimulatedApi({ port: 0 });
  });
  after(() => api.close());

  const scrapeWith = async (upTo: number): Promise<string> => {
    const config = testConfig(`
target: ${api.url}
kubernetes: { enabled: false }
external: { openai: { enabled: false }, github: { enabled: false } }
endpoints:
  - { name: health, path: /health }
  - { name: papers, path: "/v1/papers?limit=10" }
  - { name: health-again, path: "/health?again=1" }
incidents: { stateDir: ${mkdtempSync(join(tmpdir(), 'rp-histograms-'))} }
metrics: { endpointHistogramsUpTo: ${upTo} }
daemon: { listen: 127.0.0.1, port: 0, interval: 1s }
`);
    const daemon = await Daemon.start({ config, log: silentLogger(), redact: switchableRedactor(config, {}), env: {} });
    try {
      await new Promise<void>((resolve) => (daemon.isReady() ? resolve() : daemon.once('ready', resolve)));
      return await (await fetch(`${daemon.url}/metrics`)).text();
    } finally {
      await daemon.stop();
    }
  };

  test('three endpoints over a limit of two: no per-endpoint histograms or phases; the summary gauges stay', async () => {
    const text = await scrapeWith(2);
    assert.doesNotMatch(text, /^probe_request_duration_seconds_(bucket|sum|count)\{/m);
    assert.doesNotMatch(text, /^probe_http_duration_seconds\{/m);
    for (const probe of ['health', 'papers', 'health-again']) {
      for (const gauge of [
        'probe_success',
        'probe_duration_seconds',
        'probe_http_status_code',
        'probe_window_error_ratio',
        'probe_window_p95_seconds',
      ])
        assert.match(text, new RegExp(`^${gauge}\\{probe="${probe}"`, 'm'), `${gauge} of ${probe}`);
    }
    assert.match(text, /^probe_http_queue_seconds_count \d+/m, 'the daemon-wide histograms stay');
  });

  test('at the limit: per-endpoint histograms and phases are there', async () => {
    const text = await scrapeWith(3);
    assert.match(text, /^probe_request_duration_seconds_bucket\{probe="papers",le="\+Inf"\} [1-9]/m);
    assert.match(text, /^probe_http_duration_seconds\{probe="papers",phase="processing"\}/m);
  });
});
