/** Builds the daemon's elector from `kubernetes.leaderElection`, with the same cluster lookup as the probe. */
import { makeApis } from '../clients/kubernetes/api.js';
import { processEnvironment, resolveKubeConfig, type KubeConfigEnvironment } from '../clients/kubernetes/kubeconfig.js';
import type { Config } from '../config/schema.js';
import type { ErrorInfo } from '../model/errors.js';
import { LeaseElector, type Clock } from './lease.js';
import { defaultIdentity } from './record.js';

export type ElectorSetup =
  | { kind: 'elector'; elector: LeaseElector }
  /** election is off or there is no cluster: this replica acts alone and is always the leader */
  | { kind: 'disabled'; reason: string }
  | { kind: 'error'; error: ErrorInfo };

export function leaseElectorFromConfig(
  config: Config,
  options: { identity?: string; clock?: Clock; where?: KubeConfigEnvironment } = {},
): ElectorSetup {
  const k8s = config.kubernetes;
  const election = k8s.leaderElection;
  if (!election.enabled) return { kind: 'disabled', reason: 'kubernetes.leaderElection.enabled is false' };
  if (election.renewEvery >= election.leaseDuration) {
    return {
      kind: 'error',
      error: { code: 'RP_ERR_CONFIG_INVALID', message: 'kubernetes.leaderElection.renewEvery must be shorter than leaseDuration' },
    };
  }
  const where = options.where ?? processEnvironment();
  const resolved = resolveKubeConfig(k8s, where);
  if (resolved.kind === 'skipped') return { kind: 'disabled', reason: resolved.reason };
  if (resolved.kind === 'error') return { kind: 'error', error: resolved.error };
  const elector = new LeaseElector({
    api: makeApis(resolved.kubeConfig).coordination,
    namespace: resolved.namespace,
    leaseName: election.leaseName,
    identity: options.identity ?? defaultIdentity(where.env),
    leaseDurationMs: election.leaseDuration,
    renewEveryMs: election.renewEvery,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return { kind: 'elector', elector };
}
