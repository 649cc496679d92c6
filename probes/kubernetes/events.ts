/** `kubectl describe pods` Events section: recent Warning events about our pods, our ReplicaSets and our Deployment. */
import type { CoreV1Event } from '@kubernetes/client-node';
import { toMs } from './pods.js';

export interface WarningEvent {
  reason: string;
  object: string;
  message: string;
  count: number;
  lastSeen: number | null;
}

export type ImagePullProblem = 'not found' | 'unauthorized' | 'timeout' | 'other';

/** Registry answers differ; these are the phrasings containerd, CRI-O and the registries actually use. */
export function classifyImagePull(message: string): ImagePullProblem {
  if (/\bnot found\b|manifest unknown|name unknown|no such image|does not exist(?! or may require)/i.test(message)) return 'not found';
  if (
    /unauthori[sz]ed|authentication required|pull access denied|access denied|\bdenied\b|forbidden|\b40[13]\b|no basic auth credentials/i.test(
      message,
    )
  )
    return 'unauthorized';
  if (/time(d)? ?out|deadline exceeded|i\/o timeout|TLS handshake timeout/i.test(message)) return 'timeout';
  return 'other';
}

export function isImagePullEvent(event: Pick<WarningEvent, 'reason' | 'message'>): boolean {
  return /Failed to pull image|ErrImagePull|ImagePullBackOff|Back-off pulling image|InvalidImageName/i.test(`${event.reason} ${event.message}`);
}

function lastSeen(event: CoreV1Event): number | null {
  return toMs(event.lastTimestamp) ?? toMs(event.series?.lastObservedTime) ?? toMs(event.eventTime) ?? toMs(event.metadata?.creationTimestamp);
}

/** Warning events about our live pods, or recent ones about the deployment, its ReplicaSets and departed pods (name prefix). */
export function relevantWarnings(
  items: readonly CoreV1Event[],
  scope: { podNames: ReadonlySet<string>; deployment: string; since: number },
  redact: (text: string) => string,
): WarningEvent[] {
  const out: WarningEvent[] = [];
  for (const event of items) {
    if (event.type !== 'Warning') continue;
    const name = event.involvedObject?.name ?? '';
    const aboutLivePod = scope.podNames.has(name);
    if (!aboutLivePod && name !== scope.deployment && !name.startsWith(`${scope.deployment}-`)) continue;
    // Events about a pod that still exists are its story (as `kubectl describe` shows it); the rest must be recent.
    const seen = lastSeen(event);
    if (!aboutLivePod && seen !== null && seen < scope.since) continue;
    out.push({
      reason: event.reason ?? '',
      object: `${(event.involvedObject?.kind ?? 'object').toLowerCase()}/${name}`,
      message: redact(event.message ?? '').slice(0, 400),
      count: event.count ?? event.series?.count ?? 1,
      lastSeen: seen,
    });
  }
  return out.sort((a, b) => (b.lastSeen ?? 0) - (a.lastSeen ?? 0));
}
