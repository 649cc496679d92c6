/** The daemon's elector from config: off, misconfigured, or campaigning in the namespace the probe watches. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { leaseElectorFromConfig } from '../../src/leader/from-config.js';
import { defaultIdentity } from '../../src/leader/record.js';
import { testConfig } from '../helpers/context.js';
import { startKubeApiServer, type KubeApiServer } from '../helpers/kube-apiserver.js';

let server: KubeApiServer;
const nowhere = { env: {}, homeDir: '', fileExists: () => false };

before(async () => {
  server = await startKubeApiServer('healthy', { workload: { namespace: 'prod' } });
});
after(async () => {
  await server.close();
});

describe('leaseElectorFromConfig', () => {
  test('off unless enabled; without a cluster under enabled: auto the replica acts alone', () => {
    assert.equal(leaseElectorFromConfig(testConfig(''), { where: nowhere }).kind, 'disabled');
    const alone = leaseElectorFromConfig(testConfig('kubernetes: { leaderElection: { enabled: true } }'), { where: nowhere });
    assert.equal(alone.kind, 'disabled');
  });

  test('renewEvery must be shorter than the lease', () => {
    const setup = leaseElectorFromConfig(testConfig('kubernetes: { leaderElection: { enabled: true, leaseDuration: 5s, renewEvery: 5s } }'), {
      where: nowhere,
    });
    assert.equal(setup.kind === 'error' && setup.error.code, 'RP_ERR_CONFIG_INVALID');
  });

  test('campaigns for the configured lease in the configured namespace', async () => {
    const config = testConfig(
      `kubernetes:\n  kubeconfig: ${JSON.stringify(server.kubeconfigPath)}\n  namespace: prod\n  leaderElection: { enabled: true, leaseName: probe-leader, leaseDuration: 2s, renewEvery: 500ms }\n`,
    );
    const setup = leaseElectorFromConfig(config, { identity: 'radar-probe-0', where: nowhere });
    assert.equal(setup.kind, 'elector');
    if (setup.kind !== 'elector') return;
    setup.elector.start();
    await once(setup.elector, 'leading');
    const lease = server.leases.peek('prod', 'probe-leader');
    assert.equal(lease?.spec?.holderIdentity, 'radar-probe-0');
    assert.equal(lease?.spec?.leaseDurationSeconds, 2);
    await setup.elector.stop();
    assert.equal(server.leases.peek('prod', 'probe-leader')?.spec?.holderIdentity, undefined, 'released on stop');
  });

  test('identity is the pod name when the downward API provides it', () => {
    assert.equal(defaultIdentity({ POD_NAME: 'radar-probe-7c9d-abcde' }), 'radar-probe-7c9d-abcde');
    assert.match(defaultIdentity({}), new RegExp(`_${process.pid}$`));
  });
});
