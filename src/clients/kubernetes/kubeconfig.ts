/**
 * Finds the cluster the way kubectl does: an explicit kubeconfig wins, then `KUBECONFIG`, then `~/.kube/config`,
 * and only then the pod's service account. An explicit choice must beat the ambient one, or a probe running in a
 * pod could never be pointed at another cluster.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { errorMessage, type ErrorInfo } from '../../model/errors.js';
import { resolveNamespace } from './namespace.js';
import {
  locateCluster,
  pick,
  processEnvironment,
  SERVICE_ACCOUNT_TOKEN,
  type KubeConfigEnvironment,
  type KubeConfigSource,
  type Settings,
} from './locate.js';

export type KubeConfigResolution =
  | { kind: 'loaded'; kubeConfig: KubeConfig; source: KubeConfigSource; server: string; namespace: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'error'; error: ErrorInfo };

export { NO_CLUSTER_REASON, processEnvironment, SERVICE_ACCOUNT_TOKEN, type KubeConfigEnvironment, type KubeConfigSource } from './locate.js';

function load(source: KubeConfigSource, files: string[]): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (source === 'in-cluster') {
    kubeConfig.loadFromCluster();
    return kubeConfig;
  }
  kubeConfig.loadFromFile(files[0]);
  for (const extra of files.slice(1)) {
    const more = new KubeConfig();
    more.loadFromFile(extra);
    kubeConfig.mergeConfig(more, true);
  }
  return kubeConfig;
}

export function resolveKubeConfig(settings: Settings, where: KubeConfigEnvironment = processEnvironment()): KubeConfigResolution {
  const located = locateCluster(settings, where);
  if (located.kind !== 'found') return located;
  const choice = pick(settings, where)!;
  if (choice.source === 'in-cluster' && !where.fileExists(SERVICE_ACCOUNT_TOKEN)) {
    const message = `KUBERNETES_SERVICE_HOST is set but there is no service-account token at ${SERVICE_ACCOUNT_TOKEN} (automountServiceAccountToken disabled?)`;
    return { kind: 'error', error: { code: 'RP_ERR_K8S_CONFIG', message } };
  }
  let kubeConfig: KubeConfig;
  try {
    kubeConfig = load(choice.source, choice.files);
  } catch (err) {
    return { kind: 'error', error: { code: 'RP_ERR_K8S_CONFIG', message: `cannot load kubeconfig (${choice.source}): ${errorMessage(err)}` } };
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    const context = kubeConfig.getCurrentContext() || '(none)';
    return {
      kind: 'error',
      error: { code: 'RP_ERR_K8S_CONFIG', message: `kubeconfig (${choice.source}) has no cluster for current context ${context}` },
    };
  }
  // As kubectl: an explicit namespace wins, then the context's (in a pod, the service account's), then "default".
  const namespace = resolveNamespace(settings, where);
  return { kind: 'loaded', kubeConfig, source: choice.source, server: cluster.server, namespace };
}
