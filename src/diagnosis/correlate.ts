/** An endpoint that fails while a dependency it declares is failing: name the dependency as the likely cause. */
import type { DiagnosisContext } from './context.js';
import type { Finding } from '../model/types.js';
import type { DiagnosisInput } from './input.js';
import { isCauseId } from '../runbook/catalogue.js';

export function correlateDependencies({ results, endpoints }: DiagnosisInput, findings: readonly Finding[], ctx: DiagnosisContext): Finding[] {
  const out: Finding[] = [];
  const failingDeps = new Map(results.filter((r) => r.kind === 'external' && (r.status === 'fail' || r.status === 'error')).map((r) => [r.name, r]));
  if (failingDeps.size === 0) return out;
  const failingEndpoints = endpoints.filter((r) => r.status !== 'pass' && r.status !== 'skipped');
  for (const endpointResult of failingEndpoints) {
    for (const dep of ctx.dependenciesOf(endpointResult.name)) {
      const depResult = failingDeps.get(dep);
      if (!depResult) continue;
      const cause = `external_${dep}_failure`;
      if (!isCauseId(cause)) continue;
      const endpointSeverity = findings.find((f) => f.evidence.some((e) => e.startsWith(`${endpointResult.name} `)))?.severity ?? 'P3';
      const depData = depResult.data?.kind === 'external' ? depResult.data : undefined;
      const status = depData?.statusCode ?? depResult.error?.code ?? 'failing';
      out.push(
        ctx.raise(cause, {
          severity: endpointSeverity,
          summary: `${endpointResult.name} failing; ${dep === 'openai' ? 'OpenAI' : dep === 'github' ? 'GitHub' : dep} answering ${String(status)}`,
          evidence: [
            `${endpointResult.name} ${endpointResult.path ?? ''}: ${endpointResult.error?.code ?? 'failed'}`,
            `${dep}: ${depResult.error ? `${depResult.error.code}: ${depResult.error.message}` : 'failed'}`,
          ],
        }),
      );
    }
  }
  return out;
}
