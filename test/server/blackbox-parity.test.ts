/**
 * `/probe` beside the real blackbox_exporter (Debian's prometheus-blackbox-exporter), both probing the same local
 * HTTP and HTTPS targets (a certificate openssl made for the test, trusted through the same CA file on both sides):
 * the same families with the same label names, and the same values wherever timing plays no part.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { HttpResources } from '../../src/clients/http-agent.js';
import { blackboxProbe } from '../../src/server/blackbox.js';
import { makeCertificates, type TestCertificates } from '../helpers/certificates.js';
import { testConfig } from '../helpers/context.js';
import { freePort, waitFor } from '../helpers/prometheus-server.js';
import { httpServer, httpsServer, type Running } from '../helpers/servers.js';

const BLACKBOX = 'prometheus-blackbox-exporter';
const blackboxMissing = spawnSync(BLACKBOX, ['--version'], { stdio: 'ignore' }).error ? `${BLACKBOX} is not installed` : false;

interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** family name → its samples, from an exposition text */
function parse(text: string): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) gauge$/.exec(line);
    if (type) out.set(type[1], []);
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) continue;
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    out.get(sample[1])?.push({ labels, value: Number(sample[3]) });
  }
  return out;
}

const shape = (families: Map<string, Sample[]>): Record<string, string[]> =>
  Object.fromEntries([...families].map(([name, samples]) => [name, [...new Set(samples.flatMap((s) => Object.keys(s.labels)))].sort()]));

/** families whose values depend on timing only */
const TIMED = new Set(['probe_duration_seconds', 'probe_dns_lookup_time_seconds', 'probe_http_duration_seconds']);

describe('/probe and blackbox_exporter, side by side', { skip: blackboxMissing }, () => {
  let certs: TestCertificates;
  let plain: Running;
  let tls: Running;
  let exporter: ChildProcess;
  let exporterUrl: string;
  const http = new HttpResources();

  before(async () => {
    certs = makeCertificates(Date.now() + 5 * 86_400_000);
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      if (req.url === '/chunked') {
        res.write('first ');
        return void res.end('and last');
      }
      if (req.url === '/missing') res.statusCode = 404;
      res.setHeader('content-length', '5');
      res.end('hello');
    };
    plain = await httpServer(handler);
    tls = await httpsServer(certs, handler);
    const dir = mkdtempSync(join(tmpdir(), 'rp-blackbox-'));
    writeFileSync(
      join(dir, 'blackbox.yml'),
      `modules:\n  http_2xx:\n    prober: http\n    http:\n      preferred_ip_protocol: ip4\n      tls_config: { ca_file: ${JSON.stringify(certs.caFile)} }\n`,
    );
    const port = await freePort();
    exporterUrl = `http://127.0.0.1:${port}`;
    exporter = spawn(BLACKBOX, [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    await waitFor('blackbox_exporter', async () => ((await fetch(`${exporterUrl}/metrics`)).ok ? true : undefined));
  });
  after(async () => {
    if (exporter.exitCode === null) {
      exporter.kill('SIGTERM');
      await once(exporter, 'exit');
    }
    await Promise.all([plain.close(), tls.close(), http.close()]);
  });

  async function both(target: string): Promise<{ ours: Map<string, Sample[]>; theirs: Map<string, Sample[]> }> {
    const config = testConfig(
      `target: ${plain.url}\ndaemon: { probeTargets: [${JSON.stringify(tls.url)}], probeCaFile: ${JSON.stringify(certs.caFile)} }\n`,
    );
    const query = new URLSearchParams({ module: 'http_2xx', target });
    const answer = await blackboxProbe(query, '5', config, http);
    assert.equal(answer.status, 200, answer.body);
    const theirs = await (await fetch(`${exporterUrl}/probe?${query.toString()}`)).text();
    return { ours: parse(answer.body), theirs: parse(theirs) };
  }

  const cases: [string, () => string][] = [
    ['HTTP', () => `${plain.url}/`],
    ['HTTP, chunked body without a Content-Length', () => `${plain.url}/chunked`],
    ['HTTP, a 404', () => `${plain.url}/missing`],
    ['HTTPS', () => `${tls.url}/`],
  ];
  for (const [name, target] of cases) {
    test(`${name}: the same families, label names and untimed values`, async () => {
      const { ours, theirs } = await both(target());
      assert.deepEqual(shape(ours), shape(theirs));
      for (const [family, samples] of theirs) {
        if (TIMED.has(family)) continue;
        assert.deepEqual(ours.get(family), samples, family);
      }
    });
  }

  test('HTTPS: the earliest expiry is the certificate notAfter to the second', async () => {
    const { ours } = await both(`${tls.url}/`);
    assert.equal(ours.get('probe_ssl_earliest_cert_expiry')?.[0]?.value, certs.notAfter);
    assert.equal(ours.get('probe_success')?.[0]?.value, 1);
  });
});
