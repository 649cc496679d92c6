/** Results → findings: what the probes established themselves, plus the cross-probe readings of the runbook. */
import { compareSeverity } from '../model/severity.js';
import type { DiagnosisContext } from './context.js';
import type { Finding } from '../model/types.js';
import type { DiagnosisInput } from './input.js';
import { correlateDependencies } from './correlate.js';
import { diagnoseHttp } from './endpoints.js';
import { diagnoseLatency } from './latency.js';

export function diagnose(input: DiagnosisInput, ctx: DiagnosisContext): Finding[] {
  const { results, latency } = input;
  const fromProbes = results.flatMap((r) => r.findings ?? []);
  const http = diagnoseHttp(input.endpoints, ctx);
  const slow = diagnoseLatency(latency.summary, ctx, latency.fromLoad);
  const found = [...fromProbes, ...http, ...slow];
  // a dependency the evidence singles out is the cause: listed before the symptoms of the same severity (stable sort)
  const all = [...correlateDependencies(input, found, ctx), ...found];
  const seen = new Set<string>();
  return all
    .filter((f) => {
      const key = `${f.cause}|${f.summary}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => compareSeverity(a.severity, b.severity));
}
