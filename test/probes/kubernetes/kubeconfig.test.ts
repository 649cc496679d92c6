/** Finding the cluster: explicit kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster; and skipping when there is none. */
import { runProbe } from '../../../probes/types.js';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { kubernetesProbe } from '../../../probes/kubernetes/index.js';
import {
  NO_CLUSTER_REASON,
  SERVICE_ACCOUNT_TOKEN,
  resolveKubeConfig,
  type KubeConfigEnvironment,
} from '../../../src/clients/kubernetes/kubeconfig.js';
import { testConfig, testContext } from '../../helpers/context.js';
import { startKubeApiServer, type KubeApiServer } from '../../helpers/kube-apiserver.js';

let server: KubeApiServer;
let dir: string;

before(async () => {
  server = await startKubeApiServer('healthy');
  dir = await mkdtemp(join(tmpdir(), 'kubeconfig-test-'));
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const nowhere = (extra: Partial<KubeConfigEnvironment> = {}): KubeConfigEnvironment => ({
  env: {},
  homeDir: join(dir, 'no-home'),
  fileExists: () => false,
  ...extra,
});

describe('resolveKubeConfig', () => {
  test('no configuration anywhere: skipped under auto, an error when enabled is true, skipped when false', () => {
    assert.deepEqual(resolveKubeConfig({ enabled: 'auto' }, nowhere()), { kind: 'skipped', reason: NO_CLUSTER_REASON });
    const forced = resolveKubeConfig({ enabled: true }, nowhere());
    assert.equal(forced.kind === 'error' && forced.error.code, 'RP_ERR_K8S_CONFIG');
    assert.equal(resolveKubeConfig({ enabled: 'false', kubeconfig: server.kubeconfigPath }, nowhere()).kind, 'skipped');
  });

  test('KUBECONFIG is used (first file wins, later ones merge)', () => {
    const resolved = resolveKubeConfig({ enabled: 'auto' }, nowhere({ env: { KUBECONFIG: server.kubeconfigPath } }));
    assert.equal(resolved.kind, 'loaded');
    assert.equal(resolved.kind === 'loaded' && resolved.source, 'KUBECONFIG');
    assert.equal(resolved.kind === 'loaded' && resolved.server, server.url);
  });

  test('an explicit kubeconfig beats KUBECONFIG and the in-cluster service account, like kubectl', () => {
    const env = { KUBECONFIG: join(dir, 'missing'), KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const resolved = resolveKubeConfig({ enabled: 'auto', kubeconfig: server.kubeconfigPath }, nowhere({ env, fileExists: () => true }));
    assert.equal(resolved.kind === 'loaded' && resolved.source, 'config');
  });

  test('~/.kube/config is found through the home directory', () => {
    const home = join(dir, 'home');
    const resolved = resolveKubeConfig({ enabled: 'auto' }, { env: {}, homeDir: home, fileExists: (p) => p === join(home, '.kube', 'config') });
    // The file does not really exist: what matters is that it was chosen, and that the failure is a clean error.
    assert.equal(resolved.kind, 'error');
    assert.match(resolved.kind === 'error' ? resolved.error.message : '', /cannot load kubeconfig \(home\)/);
  });

  test('in a pod without a mounted token the error says so', () => {
    const resolved = resolveKubeConfig(
      { enabled: 'auto' },
      nowhere({
        env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' },
        fileExists: (p) => p !== SERVICE_ACCOUNT_TOKEN && !p.endsWith(join('.kube', 'config')),
      }),
    );
    assert.equal(resolved.kind === 'error' && resolved.error.code, 'RP_ERR_K8S_CONFIG');
    assert.match(resolved.kind === 'error' ? resolved.error.message : '', /automountServiceAccountToken/);
  });

  test('a malformed kubeconfig or one without a current cluster is RP_ERR_K8S_CONFIG', async () => {
    const broken = join(dir, 'broken');
    await writeFile(broken, 'clusters: [ {');
    const noContext = join(dir, 'no-context');
    await writeFile(noContext, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    for (const path of [broken, noContext, join(dir, 'absent')]) {
      const resolved = resolveKubeConfig({ enabled: 'auto', kubeconfig: path }, nowhere());
      assert.equal(resolved.kind === 'error' && resolved.error.code, 'RP_ERR_K8S_CONFIG', `${path}: ${JSON.stringify(resolved)}`);
    }
  });
});

describe('kubernetes probe without a cluster', () => {
  test('auto with nothing configured is skipped with the reason (process environment)', async () => {
    const saved = {
      HOME: process.env['HOME'],
      KUBECONFIG: process.env['KUBECONFIG'],
      KUBERNETES_SERVICE_HOST: process.env['KUBERNETES_SERVICE_HOST'],
    };
    process.env['HOME'] = join(dir, 'empty-home');
    delete process.env['KUBECONFIG'];
    delete process.env['KUBERNETES_SERVICE_HOST'];
    const ctx = testContext(testConfig(''));
    try {
      const outcome = await runProbe(kubernetesProbe, {}, ctx);
      assert.equal(outcome.status, 'skipped');
      assert.equal(outcome.reason, NO_CLUSTER_REASON);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await ctx.close();
    }
  });
});
