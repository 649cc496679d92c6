/** What `kubectl get pods` and `kubectl describe pods` would tell an on-call engineer, as plain facts per pod. */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';

export const IMAGE_PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
export const FAILING_WAITING_REASONS = new Set([
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  ...IMAGE_PULL_REASONS,
]);

export interface Termination {
  reason: string;
  exitCode: number;
  finishedAt: number | null;
}

export interface ContainerFacts {
  name: string;
  init: boolean;
  image: string;
  ready: boolean;
  restartCount: number;
  /** at least this many restarts fell inside the restart window (exact when the pod itself started inside it) */
  restartsRecent: number;
  waitingReason: string | null;
  waitingMessage: string | null;
  lastTermination: Termination | null;
  currentTermination: Termination | null;
}

export interface PodFacts {
  name: string;
  phase: string;
  ready: boolean;
  /** Succeeded, Failed (evicted included) or being deleted: no longer expected to serve */
  terminal: boolean;
  evicted: boolean;
  statusMessage: string | null;
  restarts: number;
  restartsRecent: number;
  containers: ContainerFacts[];
  /** the one word `kubectl get pods` shows in STATUS, roughly */
  reason: string | null;
  /** needs a look: not ready, a failing waiting reason, or restarted inside the window */
  failing: boolean;
  limits: Record<string, { cpu?: string; memory?: string }>;
}

export function toMs(value: Date | string | undefined | null): number | null {
  if (value === undefined || value === null) return null;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function termination(state: V1ContainerStatus['state']): Termination | null {
  const t = state?.terminated;
  if (!t) return null;
  return { reason: t.reason ?? (t.exitCode === 0 ? 'Completed' : 'Error'), exitCode: t.exitCode, finishedAt: toMs(t.finishedAt) };
}

function containerFacts(status: V1ContainerStatus, init: boolean, podStartedInWindow: boolean, since: number): ContainerFacts {
  const last = termination(status.lastState);
  const restartCount = status.restartCount ?? 0;
  const lastInWindow = last?.finishedAt !== null && last?.finishedAt !== undefined && last.finishedAt >= since;
  // Only the latest termination is visible; all restarts count as recent only when the pod is younger than the window.
  const restartsRecent = podStartedInWindow ? restartCount : lastInWindow && restartCount > 0 ? 1 : 0;
  return {
    name: status.name,
    init,
    image: status.image,
    ready: status.ready,
    restartCount,
    restartsRecent,
    waitingReason: status.state?.waiting?.reason ?? null,
    waitingMessage: status.state?.waiting?.message ?? null,
    lastTermination: last,
    currentTermination: termination(status.state),
  };
}

function limitsOf(pod: V1Pod): PodFacts['limits'] {
  const out: PodFacts['limits'] = {};
  for (const c of pod.spec?.containers ?? []) {
    const limits = c.resources?.limits ?? {};
    out[c.name] = { cpu: limits['cpu'], memory: limits['memory'] };
  }
  return out;
}

function statusReason(pod: PodFacts): string | null {
  if (pod.evicted) return 'Evicted';
  const waiting = pod.containers.find((c) => c.waitingReason && FAILING_WAITING_REASONS.has(c.waitingReason));
  if (waiting) return waiting.waitingReason;
  const terminated = pod.containers.find((c) => c.currentTermination && c.currentTermination.exitCode !== 0);
  if (terminated) return terminated.currentTermination!.reason;
  if (pod.phase === 'Running' && !pod.ready) return 'NotReady';
  if (pod.phase !== 'Running') return pod.phase;
  return null;
}

export function podFacts(pod: V1Pod, now: number, windowMs: number): PodFacts {
  const since = now - windowMs;
  const startedAt = toMs(pod.status?.startTime);
  const podStartedInWindow = startedAt !== null && startedAt >= since;
  const containers = [
    ...(pod.status?.initContainerStatuses ?? []).map((s) => containerFacts(s, true, podStartedInWindow, since)),
    ...(pod.status?.containerStatuses ?? []).map((s) => containerFacts(s, false, podStartedInWindow, since)),
  ];
  const phase = pod.status?.phase ?? 'Unknown';
  const evicted = pod.status?.reason === 'Evicted';
  const readyCondition = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const app = containers.filter((c) => !c.init);
  // Without a Ready condition (a sparse object), fall back to what the kubelet would have derived it from.
  const ready = readyCondition ? readyCondition.status === 'True' : phase === 'Running' && app.length > 0 && app.every((c) => c.ready);
  const facts: PodFacts = {
    name: pod.metadata?.name ?? '(unnamed)',
    phase,
    ready,
    terminal: phase === 'Succeeded' || phase === 'Failed' || Boolean(pod.metadata?.deletionTimestamp),
    evicted,
    statusMessage: pod.status?.message ?? null,
    restarts: containers.reduce((n, c) => n + c.restartCount, 0),
    restartsRecent: containers.reduce((n, c) => n + c.restartsRecent, 0),
    containers,
    reason: null,
    failing: false,
    limits: limitsOf(pod),
  };
  facts.reason = statusReason(facts);
  facts.failing = facts.evicted || (!facts.terminal && (!facts.ready || facts.reason !== null)) || facts.restartsRecent > 0;
  return facts;
}

export interface PodSummary {
  pods: PodFacts[];
  active: number;
  ready: number;
  byPhase: Record<string, number>;
  restarts: number;
  restartsRecent: number;
}

export const PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;

export function summarizePods(items: readonly V1Pod[], now: number, windowMs: number): PodSummary {
  const pods = items.map((p) => podFacts(p, now, windowMs));
  const byPhase: Record<string, number> = Object.fromEntries(PHASES.map((p) => [p, 0]));
  for (const p of pods) byPhase[PHASES.includes(p.phase as (typeof PHASES)[number]) ? p.phase : 'Unknown'] += 1;
  const active = pods.filter((p) => !p.terminal);
  return {
    pods,
    active: active.length,
    ready: active.filter((p) => p.ready).length,
    byPhase,
    restarts: pods.reduce((n, p) => n + p.restarts, 0),
    restartsRecent: pods.reduce((n, p) => n + p.restartsRecent, 0),
  };
}
