/** The fill-in values of one run, resolved once from the configuration (the namespace as kubectl would pick it). */
import type { Config } from '../config/schema.js';
import { resolveNamespace } from '../clients/kubernetes/namespace.js';
import type { KubeConfigEnvironment } from '../clients/kubernetes/locate.js';
import { findingBuilder, type FindingBuilder, type FindingFill } from './finding.js';

export function findingFillOf(config: Config, where?: KubeConfigEnvironment): FindingFill {
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

export function findingBuilderFor(config: Config, where?: KubeConfigEnvironment): FindingBuilder {
  return findingBuilder(findingFillOf(config, where));
}
