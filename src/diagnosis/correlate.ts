/** An endpoint that fails while a dependency it declares is failing: name the dependency as the likely cause. */
import type { Config } from '../config/schema.js';
import type { Finding, ProbeResult } from '../model/types.js';
import { CAUSES, makeFinding, type CauseId } from '../runbook/causes.js';

export function correlateDependencies(results: readonly ProbeResult[], findings: readonly Finding[], config: Config): Finding[] {
  const out: Finding[] = [];
  const failingDeps = new Map(results.filter((r) => r.kind === 'external' && (r.status === 'fail' || r.status === 'error')).map((r) => [r.name, r]));
  if (failingDeps.size === 0) return out;
  const failingEndpoints = results.filter((r) => r.kind === 'http' && r.status !== 'pass' && r.status !== 'skipped');
  for (const endpointResult of failingEndpoints) {
    const endpoint = config.endpoints.find((e) => e.name === endpointResult.name);
    for (const dep of endpoint?.dependsOn ?? []) {
      const depResult = failingDeps.get(dep);
      if (!depResult) continue;
      const cause = `external_${dep}_failure`;
      if (!(cause in CAUSES)) continue;
      const endpointSeverity = findings.find((f) => f.evidence.some((e) => e.startsWith(`${endpointResult.name} `)))?.severity ?? 'P3';
      const status = depResult.metrics['statusCode'] ?? depResult.error?.code ?? 'failing';
      out.push(
        makeFinding(config, cause as CauseId, {
          severity: endpointSeverity,
          summary: `${endpointResult.name} failing; ${dep === 'openai' ? 'OpenAI' : dep === 'github' ? 'GitHub' : dep} answering ${String(status)}`,
          evidence: [
            `${endpointResult.name} ${String(endpointResult.metrics['path'] ?? '')}: ${endpointResult.error?.code ?? 'failed'}`,
            `${dep}: ${depResult.error ? `${depResult.error.code}: ${depResult.error.message}` : 'failed'}`,
          ],
        }),
      );
    }
  }
  return out;
}
