/**
 * The Kubernetes probe: the runbook's "Assess Severity" quick checks and Scenario 1 diagnosis. This entry decides
 * cheaply whether a cluster is configured; the client and the diagnosis load only when one is.
 */
import type { KubernetesCheck } from './diagnose.js';
import { locateCluster } from '../../src/clients/kubernetes/locate.js';
import type { ProbeKind, ProbeOutcome } from '../types.js';
import { skipped } from '../types.js';

export type { KubernetesCheck } from './diagnose.js';

export interface KubernetesProbeParams {
  /** default: all of them */
  checks?: KubernetesCheck[];
}

export const kubernetesProbe: ProbeKind<KubernetesProbeParams> = {
  kind: 'kubernetes',
  async run(spec, ctx): Promise<ProbeOutcome> {
    const located = locateCluster(ctx.config.kubernetes);
    if (located.kind === 'skipped') return skipped(located.reason);
    if (located.kind === 'error') return { status: 'error', error: located.error };
    const { clusterProbe } = await import('./probe.js');
    return clusterProbe.run(spec, ctx);
  },
};
