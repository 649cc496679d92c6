/**
 * Endpoints failing because a dependency they declare is failing: name the dependency as the cause — but only when
 * the evidence singles it out. Every failing endpoint depends on it and some endpoint that does not depend on it is
 * fine (health passing). When everything fails, or endpoints without the dependency fail too, the dependency
 * explains nothing and is not blamed.
 */
import type { DiagnosisContext } from './context.js';
import type { Finding, Severity } from '../model/types.js';
import { compareSeverity } from '../model/severity.js';
import type { DiagnosisInput } from './input.js';
import { isCauseId } from '../runbook/catalogue.js';

const LABEL: Record<string, string> = { openai: 'OpenAI', github: 'GitHub' };

export function correlateDependencies({ results, endpoints }: DiagnosisInput, findings: readonly Finding[], ctx: DiagnosisContext): Finding[] {
  const out: Finding[] = [];
  const failingDeps = new Map(results.filter((r) => r.kind === 'external' && (r.status === 'fail' || r.status === 'error')).map((r) => [r.name, r]));
  if (failingDeps.size === 0) return out;
  const probed = endpoints.filter((r) => r.status !== 'skipped');
  const failing = probed.filter((r) => r.status !== 'pass');
  if (failing.length === 0) return out;
  const dependsOn = (name: string, dep: string): boolean => ctx.dependenciesOf(name).includes(dep);
  for (const [dep, depResult] of failingDeps) {
    const cause = `external_${dep}_failure`;
    if (!isCauseId(cause)) continue;
    const singledOut = failing.every((r) => dependsOn(r.name, dep)) && probed.some((r) => r.status === 'pass' && !dependsOn(r.name, dep));
    if (!singledOut) continue;
    const names = new Set(failing.map((r) => r.name));
    const about = findings.filter((f) => f.evidence.some((e) => names.has(e.split(' ')[0] ?? '')));
    const severity = about.map((f) => f.severity).reduce<Severity>((s, f) => (compareSeverity(f, s) < 0 ? f : s), 'P3');
    const depData = depResult.data?.kind === 'external' ? depResult.data : undefined;
    const status = depData?.statusCode ?? depResult.error?.code ?? 'failing';
    out.push({
      ...ctx.raise(cause, {
        severity,
        summary: `${[...names].join(', ')} failing; ${LABEL[dep] ?? dep} answering ${String(status)} (only the endpoints that depend on it fail)`,
        evidence: [
          ...failing.map((r) => `${r.name} ${r.path ?? ''}: ${r.error?.code ?? 'failed'}`),
          `${dep}: ${depResult.error ? `${depResult.error.code}: ${depResult.error.message}` : 'failed'}`,
          ...probed.filter((r) => r.status === 'pass').map((r) => `${r.name} ok (does not depend on ${dep})`),
        ],
      }),
      correlated: true,
    });
  }
  return out;
}
