/** Results → findings: what the probes established themselves, plus the cross-probe readings of the runbook. */
import type { DiagnosisContext } from './context.js';
import type { Finding } from '../model/types.js';
import type { DiagnosisInput } from './input.js';
import { correlateDependencies } from './correlate.js';
import { diagnoseEndpoints } from './endpoints.js';
import { apiSymptoms, weighDatabase, weighRootCauses } from './impact.js';
import { diagnoseLatency } from './latency.js';
import { leadingFirst } from './order.js';

/** Probes that see a dependency, not the API: their findings' severity comes from the API's symptoms. */
const DEPENDENCY_KINDS = new Set(['postgres', 'external']);

export function diagnose(input: DiagnosisInput, ctx: DiagnosisContext): Finding[] {
  const { results, latency } = input;
  const fromProbes = results.filter((r) => !DEPENDENCY_KINDS.has(r.kind)).flatMap((r) => r.findings ?? []);
  const http = diagnoseEndpoints(input, ctx);
  const slow = diagnoseLatency(latency.summary, ctx);
  const symptoms = apiSymptoms([...fromProbes, ...http, ...slow]);
  const api = [...weighRootCauses(fromProbes, symptoms), ...http, ...slow];
  const dependencies = [
    ...weighDatabase(
      results.filter((r) => r.kind === 'postgres').flatMap((r) => r.findings ?? []),
      symptoms,
      ctx,
    ),
    ...correlateDependencies(input, symptoms, ctx),
  ];
  const notices = new Set(dependencies.filter((d) => !d.explains).map((d) => d.finding));
  const seen = new Set<string>();
  const unique = [...api, ...dependencies.map((d) => d.finding)].filter((f) => {
    const key = `${f.cause}|${f.summary}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return leadingFirst(unique, notices);
}
