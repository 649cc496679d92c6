/** With kubernetes.leaderElection on, the daemon campaigns for the lease, says so on /metrics and releases it on stop. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Daemon } from '../../src/daemon/daemon.js';
import { switchableRedactor } from '../../src/daemon/generation.js';
import { startSimulatedApi, type SimulatedApi } from '../../src/demo/api.js';
import { silentLogger } from '../../src/support/log.js';
import { testConfig } from '../helpers/context.js';
import { startKubeApiServer, type KubeApiServer } from '../helpers/kube-apiserver.js';
import { waitFor } from '../helpers/prometheus-server.js';
import { metricValue } from './harness.js';

let kube: KubeApiServer;
let api: SimulatedApi;

before(async () => {
  kube = await startKubeApiServer('healthy', { workload: { namespace: 'prod' } });
  api = await startSimulatedApi({ port: 0 });
});
after(async () => {
  await api.close();
  await kube.close();
});

test('the daemon takes the lease (probe_leader 1) and releases it when it stops', async () => {
  const config = testConfig(`
target: ${api.url}
kubernetes:
  kubeconfig: ${JSON.stringify(kube.kubeconfigPath)}
  namespace: prod
  leaderElection: { enabled: true, leaseName: radar-probe-leader, leaseDuration: 2s, renewEvery: 500ms }
external: { openai: { enabled: false }, github: { enabled: false } }
incidents: { stateDir: ${JSON.stringify(mkdtempSync(join(tmpdir(), 'rp-leader-')))} }
daemon: { host: 127.0.0.1, port: 0, interval: 1s }
`);
  const daemon = await Daemon.start({ config, log: silentLogger(), redact: switchableRedactor(config, {}), env: {} });
  try {
    const leader = await waitFor(
      'probe_leader 1',
      async () => {
        const text = await (await fetch(`${daemon.url}/metrics`)).text();
        return metricValue(text, 'probe_leader') === 1 ? true : undefined;
      },
      { timeoutMs: 5_000 },
    );
    assert.equal(leader, true);
    assert.ok(kube.leases.peek('prod', 'radar-probe-leader')?.spec?.holderIdentity, 'the lease names a holder');
  } finally {
    await daemon.stop();
  }
  assert.equal(kube.leases.peek('prod', 'radar-probe-leader')?.spec?.holderIdentity, undefined, 'released on stop');
});
