/** The fill-in values of one run, resolved once from the configuration (the namespace as kubectl would pick it). */
import { resolveNamespace } from '../clients/kubernetes/namespace.js';
import type { KubeConfigEnvironment, Settings } from '../clients/kubernetes/locate.js';
import { findingBuilder, type FindingBuilder, type FindingFill } from './finding.js';

/** the parts of the configuration the fill-in values come from (a validated config has them) */
export interface FillSource {
  readonly target: string;
  readonly kubernetes: Settings & {
    readonly deployment: string;
    readonly selector: string;
    readonly container: string;
    readonly image: string;
    readonly service?: string | undefined;
  };
  readonly external: { readonly openai: { readonly url: string }; readonly github: { readonly url: string } };
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
    // the defaults the API itself would use when a provider is not probed (an empty url)
    openaiUrl: config.external.openai.url.trim() || 'https://api.openai.com/v1',
    githubUrl: config.external.github.url.trim() || 'https://api.github.com',
  };
}

export function findingBuilderFor(config: FillSource, where?: KubeConfigEnvironment): FindingBuilder {
  return findingBuilder(findingFillOf(config, where));
}
