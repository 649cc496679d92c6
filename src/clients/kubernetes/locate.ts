/**
 * Where the cluster configuration would come from, decided without loading the Kubernetes client: a daemon with no
 * cluster must not pay tens of MB for a client it will never use.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ErrorInfo } from '../../model/errors.js';

export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
export const NO_CLUSTER_REASON = 'no Kubernetes configuration (not in a cluster, no KUBECONFIG)';

export type KubeConfigSource = 'config' | 'KUBECONFIG' | 'home' | 'in-cluster';

export interface KubeConfigEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  fileExists: (path: string) => boolean;
}

export function processEnvironment(): KubeConfigEnvironment {
  return { env: process.env, homeDir: homedir(), fileExists: existsSync };
}

/** the cluster settings this module reads (the `kubernetes` config section has them) */
export interface Settings {
  readonly enabled: 'auto' | 'true' | 'false' | boolean;
  readonly kubeconfig?: string | undefined;
  readonly namespace?: string | undefined;
}

export function isEnabled(enabled: Settings['enabled']): boolean | 'auto' {
  if (enabled === 'auto') return 'auto';
  return enabled === true || enabled === 'true';
}

export function pick(settings: Settings, where: KubeConfigEnvironment): { source: KubeConfigSource; files: string[] } | null {
  if (settings.kubeconfig) return { source: 'config', files: [settings.kubeconfig] };
  const fromEnv = (where.env['KUBECONFIG'] ?? '').split(delimiter).filter((f) => f.length > 0);
  if (fromEnv.length > 0) return { source: 'KUBECONFIG', files: fromEnv };
  const home = join(where.homeDir, '.kube', 'config');
  if (where.homeDir && where.fileExists(home)) return { source: 'home', files: [home] };
  if (where.env['KUBERNETES_SERVICE_HOST']) return { source: 'in-cluster', files: [] };
  return null;
}

/** Cheap answer to "is there a cluster to talk to?": skipped and error outcomes need no client at all. */
export function locateCluster(
  settings: Settings,
  where: KubeConfigEnvironment = processEnvironment(),
): { kind: 'found' } | { kind: 'skipped'; reason: string } | { kind: 'error'; error: ErrorInfo } {
  const enabled = isEnabled(settings.enabled);
  if (enabled === false) return { kind: 'skipped', reason: 'kubernetes.enabled is false' };
  if (pick(settings, where)) return { kind: 'found' };
  if (enabled === 'auto') return { kind: 'skipped', reason: NO_CLUSTER_REASON };
  return { kind: 'error', error: { code: 'RP_ERR_K8S_CONFIG', message: `kubernetes.enabled is true but ${NO_CLUSTER_REASON}` } };
}
