/** Results → findings: what the probes established themselves, plus the cross-probe readings of the runbook. */
import type { Config } from '../config/schema.js';
import type { Finding, LatencySummary, ProbeResult } from '../model/types.js';
import { correlateDependencies } from './correlate.js';
import { diagnoseHttp } from './endpoints.js';
import { diagnoseLatency } from './latency.js';

const RANK = { P0: 0, P1: 1, P2: 2, P3: 3 } as const;

export function diagnose(results: readonly ProbeResult[], latency: { summary: LatencySummary | undefined; fromLoad: boolean }, config: Config): Finding[] {
  const fromProbes = results.flatMap((r) => r.findings ?? []);
  const http = diagnoseHttp(results, config);
  const slow = diagnoseLatency(latency.summary, config, latency.fromLoad);
  const found = [...fromProbes, ...http, ...slow];
  // a dependency the evidence singles out is the cause: listed before the symptoms of the same severity (stable sort)
  const all = [...correlateDependencies(results, found, config), ...found];
  const seen = new Set<string>();
  return all
    .filter((f) => {
      const key = `${f.cause}|${f.summary}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}
