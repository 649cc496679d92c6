/** The probe's numbers three ways: JSON metrics, bounded-label gauges for /metrics, and trimmed details for reports. */
import type { MetricRecord, MetricSample } from '../../src/model/types.js';
import type { Observations } from './diagnose.js';
import { iso } from './evidence.js';
import { PHASES } from './pods.js';

const MAX_DETAIL_PODS = 50;
const MAX_DETAIL_EVENTS = 20;

export function metricsOf(o: Observations): MetricRecord {
  return {
    pods: o.pods.pods.length,
    podsActive: o.pods.active,
    podsReady: o.pods.ready,
    podsByPhase: { ...o.pods.byPhase },
    restarts: o.pods.restarts,
    restartsRecent: o.pods.restartsRecent,
    evicted: o.pods.pods.filter((p) => p.evicted).length,
    readyEndpoints: o.endpoints?.ready ?? null,
    notReadyEndpoints: o.endpoints?.notReady ?? null,
    warningEvents: o.warnings?.length ?? null,
    logLinesScanned: o.logs?.linesScanned ?? null,
    logMatches: o.logs?.matches.length ?? null,
    cpuRatio: o.usage?.cpuRatioMax ?? null,
    memoryRatio: o.usage?.memoryRatioMax ?? null,
  };
}

export function seriesOf(o: Observations): MetricSample[] {
  const out: MetricSample[] = PHASES.map((phase) => ({
    name: 'probe_k8s_pods',
    help: 'Pods matching the configured selector, by phase',
    value: o.pods.byPhase[phase] ?? 0,
    labels: { phase },
  }));
  out.push({ name: 'probe_k8s_pods_ready', help: 'Pods matching the selector whose Ready condition is True', value: o.pods.ready });
  out.push({
    name: 'probe_k8s_pod_restarts_recent',
    help: 'Container restarts inside the restart window (lower bound)',
    value: o.pods.restartsRecent,
  });
  if (o.endpoints?.ready !== null && o.endpoints?.ready !== undefined) {
    out.push({ name: 'probe_k8s_ready_endpoints', help: 'Ready endpoint addresses of the Service', value: o.endpoints.ready });
  }
  if (o.warnings)
    out.push({ name: 'probe_k8s_warning_events', help: 'Recent Warning events about the deployment and its pods', value: o.warnings.length });
  if (o.usage?.cpuRatioMax !== null && o.usage?.cpuRatioMax !== undefined) {
    out.push({ name: 'probe_k8s_cpu_ratio', help: 'Highest container CPU usage as a fraction of its limit', value: o.usage.cpuRatioMax });
  }
  if (o.usage?.memoryRatioMax !== null && o.usage?.memoryRatioMax !== undefined) {
    out.push({ name: 'probe_k8s_memory_ratio', help: 'Highest container memory usage as a fraction of its limit', value: o.usage.memoryRatioMax });
  }
  return out;
}

export function detailsOf(o: Observations, errors: MetricRecord[]): MetricRecord {
  const details: MetricRecord = {
    pods: o.pods.pods.slice(0, MAX_DETAIL_PODS).map((p) => ({
      name: p.name,
      phase: p.phase,
      ready: p.ready,
      restarts: p.restarts,
      restartsRecent: p.restartsRecent,
      reason: p.reason,
    })),
  };
  if (o.endpoints) {
    details['endpoints'] = {
      service: o.endpoints.service,
      ready: o.endpoints.ready,
      notReady: o.endpoints.notReady,
      source: o.endpoints.source,
      note: o.endpoints.note,
    };
  }
  if (o.warnings) {
    details['events'] = o.warnings.slice(0, MAX_DETAIL_EVENTS).map((e) => ({
      reason: e.reason,
      object: e.object,
      count: e.count,
      lastSeen: e.lastSeen === null ? null : iso(e.lastSeen),
      message: e.message.slice(0, 200),
    }));
  }
  if (o.logs) {
    details['logs'] = o.logs.targets.map((t) => ({
      pod: t.pod,
      container: t.container,
      previous: t.previous,
      lines: t.lines,
      error: t.error ? t.error.message : null,
    }));
  }
  if (o.usage)
    details['usage'] = { available: o.usage.available, note: o.usage.note, cpuRatioMax: o.usage.cpuRatioMax, memoryRatioMax: o.usage.memoryRatioMax };
  if (errors.length > 0) details['errors'] = errors;
  return details;
}
