/**
 * Dependency correlation (OpenAI, GitHub): a failing provider explains an endpoint failure only when the evidence
 * singles it out — every failing endpoint declares it (`dependsOn`) and every endpoint that does not, health
 * included, passes. Then the provider is the likely root cause and leads at the severity of the failure it explains.
 * During a complete outage, or errors on endpoints that do not use it, it explains nothing: it stays its own
 * finding, with no impact on the API (at most P3).
 */
import type { DiagnosisContext } from './context.js';
import type { Finding, ProbeResult } from '../model/types.js';
import type { DiagnosisInput, EndpointReading } from './input.js';
import { isCauseId } from '../runbook/catalogue.js';
import { explainedSeverity, NO_IMPACT, notice, type Weighed } from './impact.js';

const failing = (r: { status: string }): boolean => r.status === 'fail' || r.status === 'error';

/** The failing endpoints a failing dependency alone accounts for; empty when the evidence does not single it out. */
export function singledOut(dependency: string, endpoints: readonly EndpointReading[], ctx: DiagnosisContext): EndpointReading[] {
  const probed = endpoints.filter((e) => e.status !== 'skipped');
  const uses = (e: EndpointReading): boolean => ctx.dependenciesOf(e.name).includes(dependency);
  const others = probed.filter((e) => !uses(e));
  const broken = probed.filter(failing);
  if (broken.length === 0 || others.length === 0 || others.some(failing) || !broken.every(uses)) return [];
  return broken;
}

function correlated(
  dep: ProbeResult,
  own: Finding | undefined,
  explained: readonly EndpointReading[],
  symptoms: readonly Finding[],
  ctx: DiagnosisContext,
): Finding | null {
  const cause = own?.cause ?? `external_${dep.name}_failure`;
  if (!isCauseId(cause)) return null;
  const label = dep.name === 'openai' ? 'OpenAI' : dep.name === 'github' ? 'GitHub' : dep.name;
  const depData = dep.data?.kind === 'external' ? dep.data : undefined;
  const status = depData?.statusCode ?? dep.error?.code ?? 'failing';
  const names = explained.map((e) => e.name).join(', ');
  const finding = ctx.raise(cause, {
    severity: explainedSeverity(cause, symptoms) ?? NO_IMPACT,
    summary: `${names} failing while every endpoint that does not use ${label} passes; ${label} answering ${String(status)}: ${label} is the likely cause`,
    evidence: [
      ...explained.map(
        (e) => `${e.name} ${e.path ?? ''}: ${e.error?.code ?? 'failed'}${e.samples > 1 ? ` (${e.failures}/${e.samples} failed)` : ''}`,
      ),
      ...(own?.evidence ?? [`${dep.name}: ${dep.error ? `${dep.error.code}: ${dep.error.message}` : 'failed'}`]),
    ],
  });
  // marked so the incident engine joins it to the service's incident (and leads with it) instead of filing a notice
  return { ...finding, correlated: true };
}

/**
 * The external probes' findings, weighed: a singled-out provider's finding is replaced by the correlated one (with
 * the endpoints' evidence and the symptoms' severity); any other is a notice, at most P3.
 */
export function correlateDependencies({ results, endpoints }: DiagnosisInput, symptoms: readonly Finding[], ctx: DiagnosisContext): Weighed[] {
  const out: Weighed[] = [];
  for (const dep of results.filter((r) => r.kind === 'external')) {
    const own = dep.findings ?? [];
    const explained = failing(dep) ? singledOut(dep.name, endpoints, ctx) : [];
    const joined = explained.length > 0 ? correlated(dep, own[0], explained, symptoms, ctx) : null;
    if (joined) out.push({ finding: joined, explains: true }, ...own.slice(1).map(notice));
    else out.push(...own.map(notice));
  }
  return out;
}
