/**
 * Scenario 1's diagnosis from cluster facts. Specific causes claim the pods they explain (OOM, image pull, a log
 * signature); `crash_loop` and `no_ready_endpoints` cover only what nothing more specific explains. With no ready
 * pod or no ready endpoint address every finding is P0; a partial loss is P2; past trouble on a healthy set is P3.
 */
import type { FindingBuilder } from '../../src/runbook/finding.js';
import type { Finding, Severity } from '../../src/model/types.js';
import type { EndpointFacts } from './endpoints.js';
import { detectCpu, detectCrashLoop, detectFromLogs, detectImagePull, detectOom, type Detection } from './detectors.js';
import type { WarningEvent } from './events.js';
import { endpointsLine, eventsFor, podLine, readinessLine } from './evidence.js';
import type { LogScan } from './logs.js';
import type { PodSummary } from './pods.js';
import type { UsageFacts } from './usage.js';

import type { KubernetesCheck } from './params.js';

export type { KubernetesCheck } from './params.js';

export interface Observations {
  /** the run's namespace (config, else the kubeconfig context): the one the findings' actions name */
  namespace: string;
  checks: ReadonlySet<KubernetesCheck>;
  pods: PodSummary;
  endpoints: EndpointFacts | null;
  warnings: WarningEvent[] | null;
  logs: LogScan | null;
  usage: UsageFacts | null;
  since: number;
}

export function isOutage(o: Observations): boolean {
  return o.pods.active === 0 || o.pods.ready === 0 || o.endpoints?.ready === 0;
}

function severityOf(o: Observations): Severity {
  if (isOutage(o)) return 'P0';
  return o.pods.pods.some((p) => !p.terminal && !p.ready) ? 'P2' : 'P3';
}

export function diagnoseCluster(raise: FindingBuilder, o: Observations, cluster: { selector: string; cpuSaturation: number }): Finding[] {
  // Pod health is judged whatever checks were asked for: every scenario that runs this probe reports crash-looping
  // or unready pods (the pods are listed anyway; `checks` only adds questions).
  const pods = o.pods.pods;
  const warnings = o.warnings ?? [];
  const specific = [
    detectOom(pods, warnings, o.since),
    detectImagePull(pods, o.checks.has('events') ? warnings : [], o.pods.pods, o.since),
    ...detectFromLogs(o.logs?.matches ?? [], o.pods.pods),
  ].filter((d): d is Detection => d !== null);
  const explained = new Set(specific.flatMap((d) => d.explains));
  const detections = [...specific, detectCrashLoop(pods, explained, warnings)].filter((d): d is Detection => d !== null);

  if (isOutage(o)) {
    // With no ready pod or address every cause is the outage's: say so on each, or name the outage itself.
    const outage = [readinessLine(o.pods, cluster.selector), ...(o.endpoints ? [endpointsLine(o.endpoints)] : [])];
    if (detections.length > 0) {
      for (const d of detections) d.evidence.unshift(...outage);
    } else {
      const notReady = o.pods.pods.filter((p) => !p.terminal && !p.ready);
      const what = o.endpoints?.ready === 0 ? `endpoint address for service ${o.endpoints.service}` : 'pod';
      detections.push({
        cause: 'no_ready_endpoints',
        summary: `no ready ${what}`,
        evidence: [...outage, ...notReady.slice(0, 4).map(podLine), ...eventsFor(warnings, new Set(notReady.map((p) => p.name)))],
        explains: [],
      });
    }
  }
  const cpu = o.checks.has('metrics') ? detectCpu(o.usage?.containers ?? [], cluster.cpuSaturation) : null;
  if (cpu) detections.push(cpu);

  const severity = severityOf(o);
  return detections.map((d) =>
    raise(d.cause, { severity, summary: d.summary, evidence: d.evidence.slice(0, 12), ...(d.vars ? { vars: d.vars } : {}) }),
  );
}
