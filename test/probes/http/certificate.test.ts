/**
 * Certificate expiry against real HTTPS servers whose certificates openssl made for the test (a throwaway CA, exact
 * notAfter). Expected verdicts come from the runbook's severity table as the catalogue applies it: a certificate
 * that still verifies but expires within the warning is a chore with a deadline (P3); an expired or untrusted one
 * fails every verifying client (P1, and the probe itself fails with RP_ERR_TLS). The verdict these findings lead to is
 * certificate-verdict.test.ts's.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { httpProbe } from '../../../probes/http/index.js';
import { runProbe, type ProbeOutcome } from '../../../probes/types.js';
import { endpointSchema } from '../../../src/model/settings/endpoint.js';
import type { Severity } from '../../../src/model/types.js';
import { makeCertificates, type TestCertificates } from '../../helpers/certificates.js';
import { testConfig, testContext } from '../../helpers/context.js';
import { httpsServer, type Running } from '../../helpers/servers.js';

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
