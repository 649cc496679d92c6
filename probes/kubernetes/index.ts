/**
 * The Kubernetes probe: the runbook's "Assess Severity" quick checks and Scenario 1 diagnosis. This entry decides
 * cheaply whether a cluster is configured; the client and the diagnosis load only when one is.
 */
import { locateCluster } from '../../src/clients/kubernetes/locate.js';
import type { KindWithSettings, ProbeOutcome } from '../types.js';
import { kubernetesSettings, type kubernetesSchema } from './settings.js';
import { skipped } from '../types.js';

import { kubernetesParams, type KubernetesProbeParams } from './params.js';

export { KUBERNETES_CHECKS, kubernetesParams, type KubernetesCheck, type KubernetesProbeParams } from './params.js';

export const kubernetesProbe: KindWithSettings<KubernetesProbeParams, 'kubernetes', typeof kubernetesSchema> = {
  name: 'kubernetes',
  params: kubernetesParams,
  settings: kubernetesSettings,
  async run(params, ctx): Promise<ProbeOutcome> {
    const located = locateCluster(ctx.settings);
    if (located.kind === 'skipped') return skipped(located.reason);
    if (located.kind === 'error') return { status: 'error', error: located.error };
    const { clusterProbe } = await import('./probe.js');
    return clusterProbe(params, ctx);
  },
};
