/**
 * The Kubernetes probe's body (loaded only once a cluster is configured): the runbook's "Assess Severity" quick checks and Scenario 1 diagnosis against the API server.
 * Pods are always listed (every other check is about them); `checks` picks which further questions are asked.
 */
import { ProbeError } from '../../src/model/errors.js';
import type { MetricRecord } from '../../src/model/types.js';
import { call, makeApis, type KubeApis } from '../../src/clients/kubernetes/api.js';
import { diagnoseCluster, type KubernetesCheck, type Observations } from './diagnose.js';
import { readEndpoints, type EndpointFacts } from './endpoints.js';
import { relevantWarnings, type WarningEvent } from './events.js';
import { resolveKubeConfig } from '../../src/clients/kubernetes/kubeconfig.js';
import { logTargets, readLogs, type LogScan } from './logs.js';
import { summarizePods, type PodSummary } from './pods.js';
import { detailsOf, metricsOf, seriesOf } from './report.js';
import { readUsage, type UsageFacts } from './usage.js';
import type { ProbeContext, ProbeOutcome } from '../types.js';
import type { KubernetesSettings } from './settings.js';
import { skipped } from '../types.js';
import { KUBERNETES_CHECKS, type KubernetesProbeParams } from './params.js';
/** containers whose logs are read per run: failing ones first; bounds API load when many pods are broken */
const MAX_LOG_CONTAINERS = 5;
const MAX_EVENTS = 500;

interface Gathered {
  endpoints: EndpointFacts | null;
  warnings: WarningEvent[] | null;
  logs: LogScan | null;
  usage: UsageFacts | null;
  errors: MetricRecord[];
}

async function gather(
  apis: KubeApis,
  namespace: string,
  pods: PodSummary,
  checks: ReadonlySet<KubernetesCheck>,
  ctx: ProbeContext<KubernetesSettings>,
  timeoutMs: number,
  since: number,
): Promise<Gathered> {
  const k8s = ctx.settings;
  const errors: MetricRecord[] = [];
  const endpointsTask = checks.has('endpoints')
    ? readEndpoints(apis, namespace, k8s.service ?? k8s.deployment, ctx.signal, timeoutMs)
    : Promise.resolve(null);
  const eventsTask = checks.has('events')
    ? call(`list Warning events in ${namespace}`, ctx.signal, timeoutMs, (o) =>
        apis.core.listNamespacedEvent({ namespace, fieldSelector: 'type=Warning', limit: MAX_EVENTS }, o),
      )
    : Promise.resolve(null);
  const logsTask = checks.has('logs')
    ? readLogs(apis, namespace, logTargets(pods.pods, k8s.container, MAX_LOG_CONTAINERS), k8s.logTailLines, {
        signal: ctx.signal,
        timeoutMs,
        redact: ctx.redact,
      })
    : Promise.resolve(null);
  const usageTask = checks.has('metrics') ? readUsage(apis, namespace, k8s.selector, pods.pods, ctx.signal, timeoutMs) : Promise.resolve(null);
  const [endpoints, events, logs, usage] = await Promise.all([endpointsTask, eventsTask, logsTask, usageTask]);

  for (const e of endpoints?.errors ?? []) errors.push({ check: 'endpoints', ...e });
  let warnings: WarningEvent[] | null = null;
  if (events?.ok) {
    warnings = relevantWarnings(
      events.value.items,
      { podNames: new Set(pods.pods.map((p) => p.name)), deployment: k8s.deployment, since },
      ctx.redact,
    );
  } else if (events) errors.push({ check: 'events', ...events.error });
  for (const t of logs?.targets ?? []) if (t.error) errors.push({ check: 'logs', ...t.error });
  if (usage?.error) errors.push({ check: 'metrics', ...usage.error });
  return { endpoints, warnings, logs, usage, errors: errors.map((e) => ({ ...e, message: ctx.redact(String(e['message'])) })) };
}

/** The probe's body, once a cluster is known to be configured. */
export async function clusterProbe(params: KubernetesProbeParams, ctx: ProbeContext<KubernetesSettings>): Promise<ProbeOutcome> {
  const k8s = ctx.settings;
  const checks = new Set<KubernetesCheck>(params.checks ?? KUBERNETES_CHECKS);
  const resolved = resolveKubeConfig(k8s);
  if (resolved.kind === 'skipped') return skipped(resolved.reason);
  if (resolved.kind === 'error') return { status: 'error', error: resolved.error };

  const apis = makeApis(resolved.kubeConfig);
  const timeoutMs = Math.max(1, Math.min(k8s.timeout, ctx.timeoutMs));
  const now = Date.now();
  const since = now - k8s.restartWindow;
  // the run resolved its namespace once; watching any other would make the actions name the wrong one
  const namespace = ctx.raise.fill.namespace;
  const base: MetricRecord = { source: resolved.source, namespace, selector: k8s.selector };
  const listed = await call(`list pods -l ${k8s.selector} -n ${namespace}`, ctx.signal, timeoutMs, (o) =>
    apis.core.listNamespacedPod({ namespace, labelSelector: k8s.selector }, o),
  );
  if (!listed.ok) return { status: 'error', metrics: base, error: { ...listed.error, message: ctx.redact(listed.error.message) } };

  const pods = summarizePods(listed.value.items, now, k8s.restartWindow);
  const gathered = await gather(apis, namespace, pods, checks, ctx, timeoutMs, since);
  const observations: Observations = { namespace, checks, pods, since, ...gathered };
  const findings = diagnoseCluster(ctx.raise, observations, k8s);
  const outcome: ProbeOutcome = {
    status: findings.length > 0 ? 'fail' : 'pass',
    metrics: { ...base, ...metricsOf(observations) },
    data: { kind: 'kubernetes', namespace, pods: { active: pods.active, ready: pods.ready }, readyEndpoints: gathered.endpoints?.ready ?? null },
    findings,
    details: detailsOf(observations, gathered.errors),
    series: seriesOf(observations),
  };
  if (ctx.signal.aborted) {
    const reason: unknown = ctx.signal.reason;
    const error =
      reason instanceof ProbeError ? reason.toInfo() : { code: 'RP_ERR_PROBE_ABORTED' as const, message: 'aborted while reading the cluster' };
    return { ...outcome, status: 'error', error };
  }
  return outcome;
}
