/**
 * Leadership among replicas (`kubernetes.leaderElection`): every replica probes and serves metrics, only the leader
 * sends notifications. The election code (and the Kubernetes client it needs) is loaded only when it is switched on.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../support/log.js';

export interface Leadership {
  isLeader(): boolean;
  /** steps down and releases the lease so another replica takes over at once */
  stop(): Promise<void>;
}

const alone: Leadership = { isLeader: () => true, stop: async () => undefined };

export async function startLeadership(config: Config, log: Logger): Promise<Leadership> {
  if (!config.kubernetes.leaderElection.enabled) return alone;
  const { leaseElectorFromConfig } = await import('../leader/from-config.js');
  const setup = leaseElectorFromConfig(config);
  if (setup.kind === 'disabled') {
    log.info({ reason: setup.reason }, 'leader election off: this replica acts alone');
    return alone;
  }
  if (setup.kind === 'error') {
    // Acting alone risks a duplicate page from a second replica; never paging at all would be worse.
    log.error({ code: setup.error.code, message: setup.error.message }, 'leader election unavailable: this replica acts alone');
    return alone;
  }
  const { elector } = setup;
  elector.on('leading', () => log.info({ identity: elector.identity }, 'became leader: this replica sends notifications'));
  elector.on('stopped-leading', (reason) => log.warn({ reason }, 'no longer leader: notifications left to the new leader'));
  elector.on('api-error', (error) => log.warn({ code: error.code, message: error.message }, 'leader election: API call failed; retrying'));
  elector.start();
  return { isLeader: () => elector.isLeader(), stop: () => elector.stop({ release: true }) };
}
