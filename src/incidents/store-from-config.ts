/**
 * The documents behind `incidents.store`: files in `incidents.stateDir` (the default), or one ConfigMap found the
 * way the Kubernetes probe and leader election find their cluster. The client is loaded only for the latter.
 */
import { resolve } from 'node:path';
import { locateCluster, processEnvironment, type KubeConfigEnvironment } from '../clients/kubernetes/locate.js';
import type { Config } from '../config/schema.js';
import { UsageError } from '../model/errors.js';
import { FileDocuments, type StateDocuments } from './documents.js';

export async function stateDocumentsFor(config: Config, where: KubeConfigEnvironment = processEnvironment()): Promise<StateDocuments> {
  const { incidents } = config;
  if (incidents.store === 'file') return new FileDocuments(resolve(incidents.stateDir));
  const located = locateCluster(config.kubernetes, where);
  if (located.kind !== 'found') throw noCluster(located.kind === 'skipped' ? located.reason : located.error.message);
  const [{ resolveKubeConfig }, { makeApis }, { ConfigMapDocuments }] = await Promise.all([
    import('../clients/kubernetes/kubeconfig.js'),
    import('../clients/kubernetes/api.js'),
    import('./configmap-documents.js'),
  ]);
  const resolved = resolveKubeConfig(config.kubernetes, where);
  if (resolved.kind !== 'loaded') throw noCluster(resolved.kind === 'skipped' ? resolved.reason : resolved.error.message);
  return new ConfigMapDocuments({ api: makeApis(resolved.kubeConfig).core, namespace: resolved.namespace, name: incidents.configMap });
}

function noCluster(why: string): UsageError {
  return new UsageError(
    'RP_ERR_STATE_STORE',
    `incidents.store is kubernetes but there is no Kubernetes API to keep the state in: ${why}. ` +
      'Run in a cluster with a service-account token, set KUBECONFIG or kubernetes.kubeconfig, or use incidents.store: file.',
  );
}
