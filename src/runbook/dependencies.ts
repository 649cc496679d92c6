/**
 * Which causes are about an external dependency rather than the service itself. Such a finding from the
 * dependency's own check is a notice; it leads a service incident only when diagnosis correlated it with the
 * service's failing endpoints (Finding.correlated).
 */
import type { Finding } from '../model/types.js';

const DEPENDENCY_OF: Record<string, string> = {
  external_openai_failure: 'openai',
  external_github_failure: 'github',
  github_rate_limited: 'github',
};

/** The dependency a cause is about (`openai`, `github`, an `external.others` name), or null for the service's own causes. */
export function dependencyOf(cause: string): string | null {
  const known = DEPENDENCY_OF[cause];
  if (known) return known;
  const other = /^external_(.+)_failure$/.exec(cause);
  return other ? other[1] : null;
}

export interface SplitFindings {
  /** what pages: the service's own findings, and dependency causes the service's failures point at */
  service: Finding[];
  /** dependency findings from the dependencies' own checks */
  dependency: Finding[];
}

export function splitByScope(findings: readonly Finding[]): SplitFindings {
  const split: SplitFindings = { service: [], dependency: [] };
  for (const f of findings) (dependencyOf(f.cause) !== null && f.correlated !== true ? split.dependency : split.service).push(f);
  return split;
}
