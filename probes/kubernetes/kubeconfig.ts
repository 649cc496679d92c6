/**
 * Finds the cluster the way kubectl does: an explicit kubeconfig wins, then `KUBECONFIG`, then `~/.kube/config`,
 * and only then the pod's service account. An explicit choice must beat the ambient one, or a probe running in a
 * pod could never be pointed at another cluster.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubernetesConfig } from '../../src/config/sections/kubernetes.js';
import { errorMessage, type ErrorInfo } from '../../src/errors.js';

export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
export const NO_CLUSTER_REASON = 'no Kubernetes configuration (not in a cluster, no KUBECONFIG)';

export type KubeConfigSource = 'config' | 'KUBECONFIG' | 'home' | 'in-cluster';

export type KubeConfigResolution =
  | { kind: 'loaded'; kubeConfig: KubeConfig; source: KubeConfigSource; server: string; namespace: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'error'; error: ErrorInfo };

export interface KubeConfigEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  fileExists: (path: string) => boolean;
}

export function processEnvironment(): KubeConfigEnvironment {
  return { env: process.env, homeDir: homedir(), fileExists: existsSync };
}

type Settings = Pick<KubernetesConfig, 'enabled'> & Partial<Pick<KubernetesConfig, 'kubeconfig' | 'namespace'>>;

function isEnabled(enabled: Settings['enabled']): boolean | 'auto' {
  if (enabled === 'auto') return 'auto';
  return enabled === true || enabled === 'true';
}

function load(source: KubeConfigSource, files: string[]): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (source === 'in-cluster') {
    kubeConfig.loadFromCluster();
    return kubeConfig;
  }
  kubeConfig.loadFromFile(files[0]!);
  for (const extra of files.slice(1)) {
    const more = new KubeConfig();
    more.loadFromFile(extra);
    kubeConfig.mergeConfig(more, true);
  }
  return kubeConfig;
}

function pick(settings: Settings, where: KubeConfigEnvironment): { source: KubeConfigSource; files: string[] } | null {
  if (settings.kubeconfig) return { source: 'config', files: [settings.kubeconfig] };
  const fromEnv = (where.env['KUBECONFIG'] ?? '').split(delimiter).filter((f) => f.length > 0);
  if (fromEnv.length > 0) return { source: 'KUBECONFIG', files: fromEnv };
  const home = join(where.homeDir, '.kube', 'config');
  if (where.homeDir && where.fileExists(home)) return { source: 'home', files: [home] };
  if (where.env['KUBERNETES_SERVICE_HOST']) return { source: 'in-cluster', files: [] };
  return null;
}

export function resolveKubeConfig(settings: Settings, where: KubeConfigEnvironment = processEnvironment()): KubeConfigResolution {
  const enabled = isEnabled(settings.enabled);
  if (enabled === false) return { kind: 'skipped', reason: 'kubernetes.enabled is false' };
  const choice = pick(settings, where);
  if (!choice) {
    if (enabled === 'auto') return { kind: 'skipped', reason: NO_CLUSTER_REASON };
    return { kind: 'error', error: { code: 'RP_ERR_K8S_CONFIG', message: `kubernetes.enabled is true but ${NO_CLUSTER_REASON}` } };
  }
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
    return { kind: 'error', error: { code: 'RP_ERR_K8S_CONFIG', message: `kubeconfig (${choice.source}) has no cluster for current context ${context}` } };
  }
  // The contract names the namespace in config (default "default"); the context's namespace is not consulted.
  const namespace = settings.namespace || 'default';
  return { kind: 'loaded', kubeConfig, source: choice.source, server: cluster.server, namespace };
}
