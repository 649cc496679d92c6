/** What every action of a finding must be: runnable as written, in the namespace and deployment the run resolved. */

/** `{ns}`-style catalogue placeholders left unfilled (a shell's `${VAR}` is meant to stay) */
const UNFILLED_BRACES = /(?<!\$)\{[a-zA-Z]+\}/;
/** `<pod-name>`, `<pid>`: a placeholder the reader must fill in; strict: none is documented as acceptable */
const UNFILLED_ANGLE = /<[a-z][a-z0-9_-]*>/i;
/** kubectl commands that are not namespaced, or take the namespace from the manifest they are given */
const CLUSTER_SCOPED = /\bkubectl\s+(?:(?:get|describe|top)\s+nodes?\b|apply\s+-f\s+-)/;

/** The problems with one action; empty when it is fine. */
export function actionProblems(action: string, namespace: string, deployment: string): string[] {
  const problems: string[] = [];
  if (UNFILLED_BRACES.test(action)) problems.push(`unfilled placeholder ${UNFILLED_BRACES.exec(action)![0]}`);
  if (UNFILLED_ANGLE.test(action)) problems.push(`unfilled placeholder ${UNFILLED_ANGLE.exec(action)![0]}`);
  for (const segment of action.split(/\s*(?:\||&&|;)\s*/)) {
    if (!/\bkubectl\b/.test(segment) || CLUSTER_SCOPED.test(segment)) continue;
    const namespaces = [...segment.matchAll(/(?:^|\s)(?:-n\s+|--namespace[=\s]+)([^\s]+)/g)].map((m) => m[1]);
    if (namespaces.length === 0) problems.push(`kubectl without a namespace: ${segment}`);
    for (const ns of namespaces) if (ns !== namespace) problems.push(`namespace ${ns}, expected ${namespace}`);
    for (const m of segment.matchAll(/\bdeployment(?:\/|\s+)([a-z0-9][a-z0-9.-]*)/g)) {
      if (m[1] !== deployment) problems.push(`deployment ${m[1]}, expected ${deployment}`);
    }
  }
  return problems;
}
