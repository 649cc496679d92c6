/** The fill-in values of one run, resolved once from the configuration (the namespace as kubectl would pick it). */
import { resolveNamespace } from '../clients/kubernetes/namespace.js';
import type { KubeConfigEnvironment, Settings } from '../clients/kubernetes/locate.js';
import { findingBuilder, type FindingBuilder, type FindingFill } from './finding.js';

/** the parts of the configuration the fill-in values come from (a validated config has them) */
export interface FillSource {
  readonly target: string;
  readonly kubernetes: Settings & { readonly deployment: string; readonly selector: string; readonly container: string; readonly image: string; readonly service?: string | undefined };
}

export function findingFillOf(config: FillSource, where?: KubeConfigEnvironment): FindingFill {
  const k8s = config.kubernetes;
  return {
    namespace: resolveNamespace(k8s, where),
    deployment: k8s.deployment,
    selector: k8s.selector,
    container: k8s.container,
    image: k8s.image,
    service: k8s.service ?? k8s.deployment,
    target: config.target,
  };
}

export function findingBuilderFor(config: FillSource, where?: KubeConfigEnvironment): FindingBuilder {
  return findingBuilder(findingFillOf(config, where));
}
