/** One detector per Scenario 1 cause. Each returns what it saw and which pods it explains; severity is decided later. */
import type { CauseId } from '../../src/runbook/catalogue.js';
import { classifyImagePull, isImagePullEvent, type WarningEvent } from './events.js';
import { containerLine, eventLine, eventsFor, logLine, podLine } from './evidence.js';
import type { LogMatch } from './logs.js';
import { IMAGE_PULL_REASONS, type PodFacts } from './pods.js';
import type { ContainerUsage } from './usage.js';

export interface Detection {
  cause: CauseId;
  summary: string;
  evidence: string[];
  /** pods this cause explains, so crash_loop does not claim them again */
  explains: string[];
  vars?: Record<string, string>;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** During back-off the current state says only CrashLoopBackOff; the last termination says OOMKilled. */
export function detectOom(pods: readonly PodFacts[], warnings: readonly WarningEvent[], since: number): Detection | null {
  const killed = pods.flatMap((p) =>
    p.containers
      .filter((c) =>
        [c.lastTermination, c.currentTermination].some(
          (t) => t?.reason === 'OOMKilled' && (t.finishedAt === null || t.finishedAt >= since || !c.ready),
        ),
      )
      .map((c) => ({ pod: p, line: `${containerLine(p, c)}${p.limits[c.name]?.memory ? `, memory limit ${p.limits[c.name].memory}` : ''}` })),
  );
  const evicted = pods.filter((p) => p.evicted);
  if (killed.length + evicted.length === 0) return null;
  const killedPods = [...new Set(killed.map((k) => k.pod.name))];
  const parts = [
    killedPods.length ? `containers OOMKilled in ${plural(killedPods.length, 'pod')}` : '',
    evicted.length ? `${plural(evicted.length, 'pod')} evicted` : '',
  ];
  const events = warnings.filter((e) => /OOMKill|Evicted/i.test(`${e.reason} ${e.message}`)).slice(0, 2);
  return {
    cause: 'oom_killed',
    summary: parts.filter(Boolean).join('; '),
    evidence: [...killed.map((k) => k.line), ...evicted.map(podLine), ...events.map(eventLine)],
    explains: killedPods,
  };
}

/**
 * The waiting reason names the symptom, the event text the cause (tag, credentials, network). A pull that failed
 * before a pod came up is history: only events about pods still not ready, or recent ones about gone pods, count.
 */
export function detectImagePull(
  pods: readonly PodFacts[],
  warnings: readonly WarningEvent[],
  allPods: readonly PodFacts[],
  since: number,
): Detection | null {
  const pulling = pods.flatMap((p) =>
    p.containers.filter((c) => c.waitingReason && IMAGE_PULL_REASONS.has(c.waitingReason)).map((c) => ({ pod: p, c })),
  );
  const notReady = new Set(allPods.filter((p) => !p.ready).map((p) => `pod/${p.name}`));
  const live = new Set(allPods.map((p) => `pod/${p.name}`));
  const events = warnings.filter((e) => isImagePullEvent(e) && (notReady.has(e.object) || (!live.has(e.object) && (e.lastSeen ?? 0) >= since)));
  if (pulling.length === 0 && events.length === 0) return null;
  const kind = classifyImagePull([...events.map((e) => e.message), ...pulling.map((x) => x.c.waitingMessage ?? '')].join('\n'));
  const images = [...new Set(pulling.map((x) => x.c.image))].join(', ') || 'image';
  const pod = pulling[0]?.pod.name ?? events[0]?.object.replace(/^pod\//, '');
  return {
    cause: 'image_pull_failure',
    summary: `image pull failing (${kind}): ${images}`,
    evidence: [...pulling.map((x) => containerLine(x.pod, x.c)), ...events.slice(0, 3).map(eventLine)],
    explains: pulling.map((x) => x.pod.name),
    ...(pod ? { vars: { pod } } : {}),
  };
}

const LOG_CAUSE_PHRASE: Partial<Record<CauseId, string>> = {
  db_connection_failure: 'database connection failing',
  connection_pool_exhaustion: 'database connection pool exhausted',
  db_query_timeout: 'database queries timing out',
  external_openai_failure: 'OpenAI answering 5xx',
  external_github_failure: 'GitHub answering 5xx',
};

/** Each log signature found is a cause of its own, and explains the pods whose logs showed it. */
export function detectFromLogs(matches: readonly LogMatch[], pods: readonly PodFacts[]): Detection[] {
  const byCause = new Map<CauseId, LogMatch[]>();
  for (const m of matches) byCause.set(m.cause, [...(byCause.get(m.cause) ?? []), m]);
  return [...byCause].map(([cause, found]) => {
    const podNames = [...new Set(found.map((m) => m.pod))];
    const labels = [...new Set(found.map((m) => m.label))].join(', ');
    return {
      cause,
      summary: `${LOG_CAUSE_PHRASE[cause] ?? cause} in ${plural(podNames.length, 'pod')}: logs show ${labels}`,
      evidence: [
        ...found.slice(0, 4).map(logLine),
        ...pods
          .filter((p) => podNames.includes(p.name) && p.failing)
          .slice(0, 3)
          .map(podLine),
      ],
      explains: podNames,
    };
  });
}

/** Pods restarting over and over (or unable to start a container) that no specific cause explains. */
export function detectCrashLoop(pods: readonly PodFacts[], explained: ReadonlySet<string>, warnings: readonly WarningEvent[]): Detection | null {
  const crashing = pods.filter(
    (p) =>
      !explained.has(p.name) &&
      (p.restartsRecent >= 3 ||
        p.containers.some((c) => c.waitingReason && /CrashLoopBackOff|CreateContainer|RunContainerError/.test(c.waitingReason))),
  );
  if (crashing.length === 0) return null;
  const names = crashing.map((p) => p.name);
  return {
    cause: 'crash_loop',
    summary: `${plural(crashing.length, 'pod')} crash-looping with no more specific cause found`,
    evidence: [
      ...crashing.flatMap((p) => p.containers.filter((c) => c.waitingReason || c.restartsRecent > 0).map((c) => containerLine(p, c))),
      ...eventsFor(warnings, new Set(names)),
    ],
    explains: names,
  };
}

export function detectCpu(containers: readonly ContainerUsage[], threshold: number): Detection | null {
  const hot = containers.filter((c) => c.cpuRatio !== null && c.cpuRatio >= threshold);
  if (hot.length === 0) return null;
  return {
    cause: 'cpu_saturation',
    summary: `CPU at ≥ ${Math.round(threshold * 100)}% of the limit in ${plural(hot.length, 'container')}`,
    evidence: hot.map(
      (c) => `pod/${c.pod} container ${c.container}: CPU ${(c.cpuCores ?? 0).toFixed(3)} cores = ${Math.round((c.cpuRatio ?? 0) * 100)}% of limit`,
    ),
    explains: [],
  };
}
