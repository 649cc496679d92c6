/** The daemon's HTTP surface in-process: blackbox-style /probe (checked against the real blackbox_exporter), status page, errors. */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { after, before, describe, test } from 'node:test';
import { Daemon } from '../../src/daemon/daemon.js';
import { switchableRedactor } from '../../src/daemon/generation.js';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { silentLogger } from '../../src/support/log.js';
import { freePort, waitFor } from '../helpers/prometheus-server.js';
import { promtoolCheckMetrics, promtoolMissing } from '../helpers/prom-binary.js';
import { testConfig } from '../helpers/context.js';

const BLACKBOX = 'prometheus-blackbox-exporter';
const blackboxMissing = spawnSync(BLACKBOX, ['--version'], { stdio: 'ignore' }).error ? `${BLACKBOX} is not installed` : false;

/** name → { type, label names } of every family in an exposition text */
function families(text: string): Map<string, { type: string; labels: string[] }> {
  const out = new Map<string, { type: string; labels: string[] }>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) out.set(type[1], { type: type[2], labels: [] });
    const sample = /^([a-zA-Z_:][\w:]*)\{([^}]*)\}/.exec(line);
    if (sample && out.has(sample[1])) out.get(sample[1])!.labels = [...sample[2].matchAll(/(\w+)="/g)].map((m) => m[1]).sort();
  }
  return out;
}

describe('daemon HTTP surface', { concurrency: false }, () => {
  let api: SimulatedApi;
  let daemon: Daemon;
  const get = async (path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${daemon.url}${path}`, { headers });
    return { status: res.status, text: await res.text() };
  };

  before(async () => {
    api = await startSimulatedApi({ port: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'rp-surface-'));
    const config = testConfig(`
target: ${api.url}
kubernetes: { enabled: false }
external: { openai: { enabled: false }, github: { enabled: false } }
incidents: { stateDir: ${dir} }
daemon: { listen: 127.0.0.1, port: 0, interval: 1s, probeTargets: ["*.example.internal", "localhost:1"], probePostTargets: ["http://localhost:1"] }
`);
    const ready = new Promise<void>((resolve) => {
      void Daemon.start({ config, log: silentLogger(), redact: switchableRedactor(config, {}), env: {} }).then((d) => {
        daemon = d;
        d.once('ready', resolve);
      });
    });
    await ready;
  });
  after(async () => {
    await daemon.stop();
    await api.close();
  });

  test('/probe answers in blackbox metric names; promtool accepts it', async () => {
    const res = await get(`/probe?target=${encodeURIComponent(`${api.url}/health`)}&module=http_2xx`, { 'x-prometheus-scrape-timeout-seconds': '5' });
    assert.equal(res.status, 200);
    assert.match(res.text, /^probe_success 1$/m);
    assert.match(res.text, /^probe_http_status_code 200$/m);
    assert.match(res.text, /^probe_http_duration_seconds\{phase="processing"\} /m);
    if (!promtoolMissing) assert.deepEqual(await promtoolCheckMetrics(res.text), { code: 0, output: '' });
    const down = await get(`/probe?target=${encodeURIComponent(new URL(api.url).host)}/nowhere`);
    assert.match(down.text, /^probe_success 0$/m, 'host:port form, a 404 is a failure');
    assert.match(down.text, /^probe_http_status_code 404$/m);
  });

  test('/probe refuses what blackbox refuses, and hosts outside the allow-list', async () => {
    assert.equal((await get('/probe?target=127.0.0.1&module=icmp')).status, 400);
    assert.match((await get('/probe?target=127.0.0.1&module=icmp')).text, /Unknown module "icmp"/);
    assert.equal((await get('/probe?module=http_2xx')).status, 400);
    assert.equal((await get('/probe?target=ftp://127.0.0.1/')).status, 400);
    assert.equal((await get('/probe?target=http://169.254.169.254/latest/meta-data')).status, 403);
    assert.equal((await get('/probe?target=http://localhost:2/')).status, 403, 'the port is part of the pattern');
    const allowed = await get('/probe?target=http://localhost:1/');
    assert.equal(allowed.status, 200, 'allowed by probeTargets: probed (and failing: nothing listens on port 1)');
    assert.match(allowed.text, /^probe_success 0$/m);
  });

  test('/probe matches the port too: another port on the target host is refused with the reason', async () => {
    const own = new URL(api.url);
    const otherPort = await freePort();
    const res = await get(`/probe?target=${encodeURIComponent(`http://${own.hostname}:${otherPort}/`)}`);
    assert.equal(res.status, 403, res.text);
    assert.match(res.text, new RegExp(`port ${otherPort} is not allowed: the allow-list names that host only as http://${own.hostname}:${own.port}`));
    assert.equal((await get(`/probe?target=${encodeURIComponent(`${own.hostname}:${otherPort}`)}`)).status, 403, 'host:port form too');
    assert.equal((await get(`/probe?target=${encodeURIComponent(`https://${own.host}/`)}`)).status, 403, 'and the scheme');
  });

  test('/probe sends POSTs only to daemon.probePostTargets', async () => {
    const refused = await get(`/probe?module=http_post_2xx&target=${encodeURIComponent(`${api.url}/health`)}`);
    assert.equal(refused.status, 403, 'the configured target is allowed for GET, not for POST');
    assert.match(refused.text, /http_post_2xx sends a POST.*daemon\.probePostTargets/);
    const listed = await get('/probe?module=http_post_2xx&target=http://localhost:1/');
    assert.equal(listed.status, 200, listed.text);
    assert.match(listed.text, /^probe_success 0$/m);
  });

  test('security headers on every response; the status page loads only its own assets, nothing inline', async () => {
    const paths = [
      '/',
      '/api/status',
      '/metrics',
      '/healthz',
      '/readyz',
      '/api/results',
      '/api/incidents',
      '/api/maintenance',
      '/nope',
      '/probe?target=http://10.1.2.3/',
    ];
    for (const path of paths) {
      const res = await fetch(`${daemon.url}${path}`);
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/, path);
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.match(csp, /style-src 'self'(;|$)/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.doesNotMatch(csp, /unsafe-|https?:|\*/, path);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
      assert.equal(res.headers.get('cache-control'), 'no-store', path);
    }
    const html = await (await fetch(`${daemon.url}/`)).text();
    assert.doesNotMatch(html, /<style|<script>|\sstyle="|\son\w+=/i, 'no inline script or style, no handler attributes');
    const linked = [...html.matchAll(/(?:src|href)="(\/(?:assets\/|favicon)[^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    assert.equal(linked.length, 3, 'stylesheet, script and favicon');
    for (const path of linked) {
      const res = await fetch(`${daemon.url}${path}`);
      const body = await res.text();
      assert.equal(res.status, 200, path);
      assert.ok(body.length > 100, path);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', `${path}: versioned, so cacheable`);
      const etag = res.headers.get('etag') ?? '';
      const again = await fetch(`${daemon.url}${path.split('?')[0]}`, { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304, `${path}: revalidates by etag`);
      assert.equal(again.headers.get('cache-control'), 'no-cache');
    }
    const script = await (await fetch(`${daemon.url}${linked.find((p) => p.includes('.js'))}`)).text();
    assert.doesNotThrow(() => new vm.Script(script), 'the page script parses');
    assert.doesNotMatch(script, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/, 'no markup from strings');
  });

  test('the same families and labels as the real blackbox_exporter where they overlap', { skip: blackboxMissing }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rp-blackbox-'));
    writeFileSync(join(dir, 'blackbox.yml'), 'modules:\n  http_2xx:\n    prober: http\n    http:\n      preferred_ip_protocol: ip4\n');
    const port = await freePort();
    const child: ChildProcess = spawn(BLACKBOX, [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${port}`], {
      stdio: 'ignore',
    });
    try {
      const target = encodeURIComponent(`${api.url}/health`);
      const theirs = await waitFor('blackbox_exporter', async () => {
        const res = await fetch(`http://127.0.0.1:${port}/probe?target=${target}&module=http_2xx`);
        return res.ok ? res.text() : undefined;
      });
      const ours = families((await get(`/probe?target=${target}&module=http_2xx`)).text);
      const reference = families(theirs);
      assert.match(theirs, /^probe_success 1$/m);
      for (const [name, family] of ours) {
        assert.ok(reference.has(name), `${name} is not a blackbox_exporter metric`);
        assert.deepEqual(family, reference.get(name), name);
      }
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
  });

  test('status page, /api/status, results, report, 404 and 405', async () => {
    const page = await get('/');
    assert.match(page.text, /<h1 id="service">DeepTech Radar API<\/h1>/);
    assert.match(page.text, /<strong id="headline">All checks healthy<\/strong>/);
    const status = JSON.parse((await get('/api/status')).text) as {
      service: string;
      state: string;
      incidentsAvailable: boolean;
      openIncidents: unknown[];
      pastIncidents: unknown[];
      probes: { name: string; kind: string; status: string }[];
    };
    assert.equal(status.service, 'DeepTech Radar API');
    assert.equal(status.state, 'ok');
    assert.equal(status.incidentsAvailable, true);
    assert.deepEqual([status.openIncidents, status.pastIncidents], [[], []]);
    assert.ok(status.probes.some((p) => p.name === 'health' && p.kind === 'http' && p.status === 'pass'));
    assert.equal((await fetch(`${daemon.url}/api/status`, { method: 'POST' })).status, 405, 'read-only');
    const report = JSON.parse((await get('/api/report')).text) as { scenario: string; severity: null };
    assert.equal(report.scenario, 'daemon');
    assert.equal((await get('/nope')).status, 404);
    assert.equal((await fetch(`${daemon.url}/metrics`, { method: 'DELETE' })).status, 405);
    assert.equal((await get('/api/incidents')).status, 200);
  });
});
