/**
 * The verdict around a certificate, against real servers: HTTPS ones with certificates openssl made for the test, a
 * plain HTTP one, and a port that refuses connections. The rule the expected rows are written from: requests that
 * verifying clients refuse because the certificate is expired or untrusted are the certificate finding's (P1, the
 * issue's decision; the service answers the handshake and the fix is a renewal, not a restart), so they form no
 * outage, error-rate or endpoint symptom of their own. Failures for any other reason keep their usual reading, and
 * the worst finding leads. A certificate that still verifies but expires within the warning is P3 and explains
 * nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { probeEnvironment } from '../../../src/cli/context.js';
import { evaluate } from '../../../src/daemon/evaluate.js';
import { IncidentManager } from '../../../src/incidents/manager.js';
import { RollingWindows } from '../../../src/metrics/windows.js';
import { planScenario } from '../../../src/scenarios/plan.js';
import { runScenario } from '../../../src/scenarios/run-scenario.js';
import { silentLogger } from '../../../src/support/log.js';
import type { Config } from '../../../src/config/schema.js';
import type { Finding, ProbeResult, RunReport } from '../../../src/model/types.js';
import { makeCertificates, type TestCertificates } from '../../helpers/certificates.js';
import { runCli } from '../../helpers/cli.js';
import { testConfig } from '../../helpers/context.js';
import { closedPort, httpServer, httpsServer, type Running } from '../../helpers/servers.js';
import { FakeClock, tempDir } from '../../incidents/helpers.js';

const DAY_MS = 86_400_000;

/** What answers at an endpoint's host. */
type Host = 'expiring' | 'expired' | 'untrusted' | 'refusing' | 'valid-5xx' | 'plain' | 'https-to-plain';

interface Row {
  name: string;
  hosts: { health: Host; papers: Host; search: Host };
  /** `severity cause`, findings[0] first */
  findings: string[];
}

const all = (host: Host): Row['hosts'] => ({ health: host, papers: host, search: host });

// Written from the rule above, before the code that meets it.
const rows: Row[] = [
  { name: 'expiring in 5 days, still valid: P3, explains nothing', hosts: all('expiring'), findings: ['P3 tls_certificate_expiring'] },
  { name: 'expired on every endpoint, the health check included: P1, no outage', hosts: all('expired'), findings: ['P1 tls_certificate_expiring'] },
  { name: 'issued by a CA nobody trusts: P1, no outage', hosts: all('untrusted'), findings: ['P1 tls_certificate_expiring'] },
  {
    // the health check's host has the expired certificate; search alone refuses while papers answers: Scenario 4
    name: 'expired on the health host, another endpoint refusing connections: the certificate leads, the failure stays',
    hosts: { health: 'expired', papers: 'plain', search: 'refusing' },
    findings: ['P1 tls_certificate_expiring', 'P3 endpoint_failure'],
  },
  {
    // the health check refused and nothing else answered past the handshake: the runbook's complete outage
    name: 'the health check refusing, the other endpoints on an expired host: the outage leads, the certificate stays',
    hosts: { health: 'refusing', papers: 'expired', search: 'expired' },
    findings: ['P0 api_outage', 'P1 tls_certificate_expiring'],
  },
  {
    // RP_ERR_TLS without a certificate to blame (https to a plain-HTTP port): no finding explains it, it stays an outage
    name: 'a TLS failure with no certificate shown: the outage, unchanged',
    hosts: all('https-to-plain'),
    findings: ['P0 api_outage'],
  },
  {
    name: 'valid certificate, one request in four answered 500: the error rate, unchanged',
    hosts: all('valid-5xx'),
    findings: ['P2 high_error_rate'],
  },
];

const ENDPOINTS = [
  { name: 'health', path: '/health' },
  { name: 'papers', path: '/v1/papers' },
  { name: 'search', path: '/v1/search' },
] as const;

interface Served {
  url: string;
  /** the CA an endpoint on this host trusts (none: the system roots only) */
  caFile?: string;
}

const servers: Running[] = [];
const hosts = new Map<Host, Served>();

async function https(certs: TestCertificates, trust: boolean, handler: Parameters<typeof httpsServer>[1]): Promise<Served> {
  const server = await httpsServer(certs, handler);
  servers.push(server);
  return { url: server.url, ...(trust ? { caFile: certs.caFile } : {}) };
}

before(async () => {
  const ok: Parameters<typeof httpsServer>[1] = (_req, res) => res.end('ok');
  let served = 0;
  const everyFourth500: Parameters<typeof httpsServer>[1] = (_req, res) => {
    res.statusCode = ++served % 4 === 0 ? 500 : 200;
    res.end('x');
  };
  hosts.set('expiring', await https(makeCertificates(Date.now() + 5 * DAY_MS), true, ok));
  hosts.set('expired', await https(makeCertificates(Date.now() - DAY_MS), true, ok));
  hosts.set('untrusted', await https(makeCertificates(Date.now() + 90 * DAY_MS), false, ok));
  hosts.set('valid-5xx', await https(makeCertificates(Date.now() + 90 * DAY_MS), true, everyFourth500));
  const plain = await httpServer(ok);
  servers.push(plain);
  hosts.set('plain', { url: plain.url });
  hosts.set('https-to-plain', { url: plain.url.replace(/^http:/, 'https:') });
  hosts.set('refusing', { url: `http://127.0.0.1:${await closedPort()}` });
});
after(() => Promise.all(servers.map((s) => s.close())));

const served = (host: Host): Served => hosts.get(host) as Served;

function configYaml(row: Row, extra = ''): string {
  const target = served(row.hosts.health).url;
  const endpoints = ENDPOINTS.map((e) => {
    const caFile = served(row.hosts[e.name]).caFile;
    return `  - { name: ${e.name}, path: ${e.path}, samples: 4${caFile ? `, tls: { caFile: ${JSON.stringify(caFile)} }` : ''} }`;
  });
  return [
    `target: ${target}`,
    'endpoints:',
    ...endpoints,
    'kubernetes: { enabled: false, namespace: shop }',
    'external: { openai: { enabled: false }, github: { enabled: false } }',
    extra,
  ].join('\n');
}

const verdict = (report: RunReport): string[] => report.findings.map((f) => `${f.severity} ${f.cause}`);

/** The one-shot's shared path in-process, each endpoint probing its own host (a config has one target). */
async function endpointScenario(row: Row, config: Config): Promise<{ report: RunReport; results: ProbeResult[] }> {
  const planned = planScenario('endpoint', config);
  const specs = planned.specs.map((spec) => {
    const host = row.hosts[spec.name as keyof Row['hosts']];
    return { ...spec, params: { ...(spec.params as object), target: served(host).url } };
  });
  const plan = { ...planned, specs };
  const env = probeEnvironment(config, { log: silentLogger() });
  try {
    return await runScenario({ plan, config, runner: env.runner });
  } finally {
    await env.close();
  }
}

function assertCertificateLeads(findings: readonly Finding[]): void {
  const lead = findings[0];
  assert.equal(lead?.cause, 'tls_certificate_expiring');
  assert.match(lead.actions[0] ?? '', /openssl s_client -connect (127\.0\.0\.1|localhost):\d+/);
  for (const action of lead.actions) assert.doesNotMatch(action, /\{[a-z]+\}/i, action);
  assert.ok(
    lead.actions.some((a) => a.startsWith('kubectl -n shop ')),
    lead.actions.join('\n'),
  );
  assert.ok(!lead.actions.some((a) => /get pods|rollout restart/.test(a)), 'a renewal, not a restart');
}

describe('the verdict around a certificate, the endpoint scenario', () => {
  for (const row of rows) {
    test(row.name, async () => {
      const { report } = await endpointScenario(row, testConfig(configYaml(row)));
      assert.deepEqual(verdict(report), row.findings, JSON.stringify(report.findings.map((f) => f.summary)));
      assert.equal(report.severity, row.findings[0]?.split(' ')[0]);
      if (row.findings[0] === 'P1 tls_certificate_expiring') assertCertificateLeads(report.findings);
    });
  }
});

describe('the verdict around a certificate, through the CLI process', () => {
  // the rows a single target can express: every endpoint on the same host
  const single = rows.filter((r) => r.hosts.health === r.hosts.papers && r.hosts.papers === r.hosts.search);
  for (const row of single) {
    test(row.name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rp-tls-verdict-'));
      writeFileSync(join(dir, 'config.yaml'), configYaml(row));
      const run = await runCli(['--scenario', 'endpoint', '--config', join(dir, 'config.yaml'), '--json']);
      const report = JSON.parse(run.stdout) as RunReport;
      assert.deepEqual(verdict(report), row.findings, run.stderr);
      // the default gate (P3) fails the run at any of these severities, as for any other finding
      assert.equal(run.code, 1);
      assert.equal(report.passed, false);
      if (row.findings[0] === 'P1 tls_certificate_expiring') {
        assertCertificateLeads(report.findings);
        assert.ok(
          report.probes.every((p) => p.status === 'fail' && p.error?.code === 'RP_ERR_TLS'),
          'each probe still fails with RP_ERR_TLS',
        );
      }
    });
  }
});

describe('the verdict around a certificate, the daemon path', () => {
  test('expired everywhere: one P1 incident led by tls_certificate_expiring, with its renewal actions', async () => {
    const row = rows[1];
    assert.ok(row);
    const state = await tempDir();
    const config = testConfig(configYaml(row, `incidents: { stateDir: ${JSON.stringify(state.dir)}, openAfter: 2 }`));
    const clock = new FakeClock(Date.now());
    const manager = await IncidentManager.open({ config, log: silentLogger(), clock });
    const windows = new RollingWindows(config.daemon.window, () => clock.now());
    try {
      let report: RunReport | undefined;
      for (let run = 0; run < 3; run++) {
        const { results } = await endpointScenario(row, config);
        for (const result of results) windows.record(result, clock.now());
        report = evaluate(
          results.map((result) => ({ result, finishedAt: clock.now() })),
          windows,
          config,
          clock.now(),
        );
        assert.deepEqual(verdict(report), row.findings);
        await manager.evaluate(report);
        clock.advance(15_000);
      }
      assert.equal(report?.passed, false);
      const incidents = manager.list();
      assert.equal(incidents.length, 1, JSON.stringify(incidents.map((i) => i.causes)));
      const [incident] = incidents;
      assert.equal(incident?.severity, 'P1');
      assert.equal(incident?.leadingCause, 'tls_certificate_expiring');
      assert.deepEqual(incident?.causes, ['tls_certificate_expiring']);
      assertCertificateLeads(incident?.findings ?? []);
    } finally {
      await manager.close();
      await state.remove();
    }
  });
});
