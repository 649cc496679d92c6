/**
 * Endpoints failing because a dependency they declare is failing: name the dependency as the cause — but only when
 * the evidence singles it out. Every failing endpoint depends on it and some endpoint that does not depend on it is
 * fine (health passing). When everything fails, or endpoints without the dependency fail too, the dependency
 * explains nothing and is not blamed.
 */
import type { Config } from '../config/schema.js';
import type { Finding, ProbeResult, Severity } from '../model/types.js';
import { CAUSES, makeFinding, type CauseId } from '../runbook/causes.js';

const RANK: Record<Severity, number> = { P0: 0, P1: 1, P2: 2, P3: 3 };
const LABEL: Record<string, string> = { openai: 'OpenAI', github: 'GitHub' };

export function correlateDependencies(results: readonly ProbeResult[], findings: readonly Finding[], config: Config): Finding[] {
  const out: Finding[] = [];
  const failingDeps = new Map(results.filter((r) => r.kind === 'external' && (r.status === 'fail' || r.status === 'error')).map((r) => [r.name, r]));
  if (failingDeps.size === 0) return out;
  const endpoints = results.filter((r) => r.kind === 'http' && r.status !== 'skipped');
  const failing = endpoints.filter((r) => r.status !== 'pass');
  if (failing.length === 0) return out;
  const dependsOn = (r: ProbeResult, dep: string): boolean => (config.endpoints.find((e) => e.name === r.name)?.dependsOn ?? []).includes(dep);
  for (const [dep, depResult] of failingDeps) {
    const cause = `external_${dep}_failure`;
    if (!(cause in CAUSES)) continue;
    const singledOut = failing.every((r) => dependsOn(r, dep)) && endpoints.some((r) => r.status === 'pass' && !dependsOn(r, dep));
    if (!singledOut) continue;
    const names = new Set(failing.map((r) => r.name));
    const about = findings.filter((f) => f.evidence.some((e) => names.has(e.split(' ')[0] ?? '')));
    const severity = about.reduce<Severity>((s, f) => (RANK[f.severity] < RANK[s] ? f.severity : s), 'P3');
    const status = depResult.metrics['statusCode'] ?? depResult.error?.code ?? 'failing';
    out.push({
      ...makeFinding(config, cause as CauseId, {
        severity,
        summary: `${[...names].join(', ')} failing; ${LABEL[dep] ?? dep} answering ${String(status)} (only the endpoints that depend on it fail)`,
        evidence: [
          ...failing.map((r) => `${r.name} ${String(r.metrics['path'] ?? '')}: ${r.error?.code ?? 'failed'}`),
          `${dep}: ${depResult.error ? `${depResult.error.code}: ${depResult.error.message}` : 'failed'}`,
          ...endpoints.filter((r) => r.status === 'pass').map((r) => `${r.name} ok (does not depend on ${dep})`),
        ],
      }),
      correlated: true,
    });
  }
  return out;
}
