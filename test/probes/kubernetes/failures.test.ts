/** The API server misbehaving: hanging, refusing the token, not listening, the probe being cancelled. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kubernetesProbe } from '../../../probes/kubernetes/index.js';
import { runProbe, type ProbeOutcome } from '../../../probes/types.js';
import { ProbeError } from '../../../src/model/errors.js';
import { testConfig, testContext } from '../../helpers/context.js';

let dir: string;
let hanging: Server;
let hangingUrl: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k8s-failures-'));
  // The probe loads the Kubernetes client on first use, which takes seconds on a busy machine: that one-time cost
  // is not the deadline these tests time, so it is paid here.
  await import('../../../probes/kubernetes/probe.js');
  // Accepts the request and never answers: the worst case for a deadline.
  hanging = createServer(() => undefined);
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
});
after(async () => {
  hanging.closeAllConnections();
  await new Promise<void>((resolve) => hanging.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

async function kubeconfig(server: string, token = 'some-token'): Promise<string> {
  const path = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  await writeFile(
    path,
    `apiVersion: v1\nkind: Config\nclusters: [{ name: c, cluster: { server: "${server}", insecure-skip-tls-verify: true } }]\nusers: [{ name: u, user: { token: ${token} } }]\ncontexts: [{ name: x, context: { cluster: c, user: u } }]\ncurrent-context: x\n`,
  );
  return path;
}

async function run(
  path: string,
  yaml = '',
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ outcome: ProbeOutcome; ms: number }> {
  const ctx = testContext(testConfig(`kubernetes:\n  kubeconfig: ${JSON.stringify(path)}\n${yaml}`), options);
  const started = Date.now();
  try {
    const outcome = await runProbe(kubernetesProbe, {}, ctx);
    return { outcome, ms: Date.now() - started };
  } finally {
    await ctx.close();
  }
}

describe('kubernetes probe when the API server misbehaves', () => {
  test('a hanging API server hits kubernetes.timeout and the probe returns on time', async () => {
    const { outcome, ms } = await run(await kubeconfig(hangingUrl), '  timeout: 300ms\n');
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error?.code, 'RP_ERR_K8S_API');
    assert.match(outcome.error?.message ?? '', /no answer within 300 ms/);
    assert.ok(ms < 2_000, `returned after ${ms} ms (the run's own deadline is 5 s)`);
  });

  test("cancelling the run returns the runner's reason at once", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new ProbeError('RP_ERR_PROBE_ABORTED', 'run cancelled')), 100);
    const { outcome, ms } = await run(await kubeconfig(hangingUrl), '', { signal: controller.signal, timeoutMs: 5_000 });
    assert.equal(outcome.error?.code, 'RP_ERR_PROBE_ABORTED');
    assert.ok(ms < 1_500, `returned after ${ms} ms (the run's own deadline is 5 s)`);
  });

  test('a rejected token is RP_ERR_K8S_API naming HTTP 401', async () => {
    const { startKubeApiServer } = await import('../../helpers/kube-apiserver.js');
    const server = await startKubeApiServer('healthy');
    try {
      const { outcome } = await run(await kubeconfig(server.url, 'wrong-token'));
      assert.equal(outcome.error?.code, 'RP_ERR_K8S_API');
      assert.match(outcome.error?.message ?? '', /HTTP 401/);
    } finally {
      await server.close();
    }
  });

  test('nothing listening is RP_ERR_K8S_API with the socket error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { outcome } = await run(await kubeconfig(`http://127.0.0.1:${port}`));
    assert.equal(outcome.error?.code, 'RP_ERR_K8S_API');
    assert.match(outcome.error?.message ?? '', /ECONNREFUSED/);
  });
});
