/**
 * Certificate expiry against real HTTPS servers whose certificates openssl made for the test (a throwaway CA, exact
 * notAfter). Expected verdicts come from the runbook's severity table as the catalogue applies it: a certificate
 * that still verifies but expires within the warning is a chore with a deadline (P3); an expired or untrusted one
 * fails every verifying client (P1, and the probe itself fails with RP_ERR_TLS).
 */
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { httpProbe } from '../../../probes/http/index.js';
import { runProbe, type ProbeOutcome } from '../../../probes/types.js';
import { endpointSchema } from '../../../src/model/settings/endpoint.js';
import type { Severity } from '../../../src/model/types.js';
import { makeCertificates, type TestCertificates } from '../../helpers/certificates.js';
import { testConfig, testContext } from '../../helpers/context.js';
import { httpsServer, type Running } from '../../helpers/servers.js';
import { runCli } from '../../helpers/cli.js';
import type { RunReport } from '../../../src/model/types.js';

const DAY_MS = 86_400_000;
const servers: Running[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(certs: TestCertificates): Promise<Running> {
  const server = await httpsServer(certs, (_req, res) => res.end('ok'));
  servers.push(server);
  return server;
}

async function probe(target: string, tls: Record<string, unknown>): Promise<ProbeOutcome> {
  const ctx = testContext(testConfig(`target: ${target}\n`));
  try {
    return await runProbe(httpProbe, { target, endpoint: endpointSchema.parse({ name: 'e', path: '/', tls }) }, ctx);
  } finally {
    await ctx.close();
  }
}

const expiryOf = (out: ProbeOutcome): number | undefined => out.series?.find((s) => s.name === 'probe_ssl_earliest_cert_expiry')?.value;

interface Row {
  name: string;
  /** the leaf's notAfter, from now */
  expiresInMs: number;
  trust: boolean;
  warningDays?: number;
  status: 'pass' | 'fail';
  severity: Severity | null;
}

const rows: Row[] = [
  { name: 'expires in 5 days, default 14-day warning', expiresInMs: 5 * DAY_MS, trust: true, status: 'pass', severity: 'P3' },
  { name: 'expires in 30 days', expiresInMs: 30 * DAY_MS, trust: true, status: 'pass', severity: null },
  { name: 'expires in 5 days, 3-day warning', expiresInMs: 5 * DAY_MS, trust: true, warningDays: 3, status: 'pass', severity: null },
  { name: 'expired yesterday', expiresInMs: -DAY_MS, trust: true, status: 'fail', severity: 'P1' },
  { name: 'valid but issued by a CA nobody trusts', expiresInMs: 30 * DAY_MS, trust: false, status: 'fail', severity: 'P1' },
];

describe('TLS certificate expiry', () => {
  for (const row of rows) {
    test(row.name, async () => {
      const certs = makeCertificates(Date.now() + row.expiresInMs);
      const server = await serve(certs);
      const tls = { ...(row.trust ? { caFile: certs.caFile } : {}), ...(row.warningDays ? { expiryWarningDays: row.warningDays } : {}) };
      const out = await probe(server.url, tls);
      assert.equal(out.status, row.status, out.error?.message);
      if (row.status === 'fail') assert.equal(out.error?.code, 'RP_ERR_TLS');
      const expiry = expiryOf(out);
      assert.ok(
        expiry !== undefined && Math.abs(expiry - certs.notAfter) <= 1,
        `probe_ssl_earliest_cert_expiry ${expiry}, notAfter ${certs.notAfter}`,
      );
      const version = out.series?.find((s) => s.name === 'probe_tls_version_info');
      assert.match(version?.labels?.version ?? '', /^TLS 1\.[23]$/);
      const findings = (out.findings ?? []).filter((f) => f.cause === 'tls_certificate_expiring');
      assert.deepEqual(
        findings.map((f) => f.severity),
        row.severity ? [row.severity] : [],
        findings.map((f) => f.summary).join('; '),
      );
      for (const action of findings[0]?.actions ?? []) assert.doesNotMatch(action, /\{[a-z]+\}/i, action);
    });
  }

  test('a kept-alive connection still reports the certificate it was opened with', async () => {
    const certs = makeCertificates(Date.now() + 5 * DAY_MS);
    const server = await serve(certs);
    const ctx = testContext(testConfig(`target: ${server.url}\n`));
    try {
      const endpoint = endpointSchema.parse({ name: 'e', path: '/', samples: 3, tls: { caFile: certs.caFile } });
      const out = await runProbe(httpProbe, { target: server.url, endpoint }, ctx);
      assert.equal(expiryOf(out), certs.notAfter);
      assert.equal(out.findings?.[0]?.severity, 'P3');
    } finally {
      await ctx.close();
    }
  });
});

/**
 * The whole verdict, from the one-shot: the certificate finding combines with the endpoints' reading by the usual
 * rules (the worst wins). Expected from the runbook's table: an expiring certificate on a healthy API is the only
 * finding, P3; an expired one fails every request, health included, which the table calls a complete outage (P0),
 * with the certificate finding (P1) beside it naming what to renew.
 */
describe('TLS certificate expiry in the one-shot verdict', () => {
  async function endpointScenario(certs: TestCertificates): Promise<RunReport> {
    const server = await serve(certs);
    const dir = mkdtempSync(join(tmpdir(), 'rp-tls-cli-'));
    const tls = `tls: { caFile: ${JSON.stringify(certs.caFile)} }`;
    writeFileSync(
      join(dir, 'config.yaml'),
      [
        `target: ${server.url}`,
        `endpoints:\n  - { name: health, path: /health, ${tls} }\n  - { name: papers, path: /v1/papers, ${tls} }`,
        'kubernetes: { enabled: false }',
        'external: { openai: { enabled: false }, github: { enabled: false } }',
        '',
      ].join('\n'),
    );
    const run = await runCli(['--scenario', 'endpoint', '--config', join(dir, 'config.yaml'), '--json']);
    return JSON.parse(run.stdout) as RunReport;
  }

  test('expires in 5 days: P3, tls_certificate_expiring leads', async () => {
    const report = await endpointScenario(makeCertificates(Date.now() + 5 * DAY_MS));
    assert.equal(report.severity, 'P3', JSON.stringify(report.findings));
    assert.deepEqual(
      report.findings.map((f) => [f.cause, f.severity]),
      [['tls_certificate_expiring', 'P3']],
    );
  });

  test('expired: the outage (P0) leads, the certificate finding (P1) says why', async () => {
    const report = await endpointScenario(makeCertificates(Date.now() - DAY_MS));
    assert.equal(report.severity, 'P0', JSON.stringify(report.findings));
    assert.equal(report.findings[0]?.cause, 'api_outage');
    const certificate = report.findings.find((f) => f.cause === 'tls_certificate_expiring');
    assert.equal(certificate?.severity, 'P1');
    assert.match(certificate?.summary ?? '', /expired on/);
  });
});
