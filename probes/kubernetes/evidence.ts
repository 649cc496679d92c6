/** One-line evidence strings, shaped like what `kubectl get/describe/logs` prints, so a human can check each claim. */
import type { EndpointFacts } from './endpoints.js';
import type { WarningEvent } from './events.js';
import type { LogMatch } from './logs.js';
import type { ContainerFacts, PodFacts, PodSummary, Termination } from './pods.js';

export function iso(ms: number | null): string {
  return ms === null ? 'unknown time' : new Date(ms).toISOString();
}

function terminationText(t: Termination): string {
  return `${t.reason} (exit ${t.exitCode}) at ${iso(t.finishedAt)}`;
}

export function containerLine(pod: PodFacts, c: ContainerFacts): string {
  const parts = [`pod/${pod.name} container ${c.name}${c.init ? ' (init)' : ''}:`];
  if (c.waitingReason) parts.push(`waiting ${c.waitingReason}${c.waitingMessage ? ` (${c.waitingMessage.slice(0, 160)})` : ''}`);
  if (c.currentTermination) parts.push(`terminated ${terminationText(c.currentTermination)}`);
  if (c.lastTermination) parts.push(`last terminated ${terminationText(c.lastTermination)}`);
  parts.push(`restarts ${c.restartCount}`);
  return parts.join(' ');
}

export function podLine(pod: PodFacts): string {
  const state = pod.evicted ? `Evicted: ${pod.statusMessage ?? 'no message'}` : `${pod.phase}${pod.reason ? `/${pod.reason}` : ''}`;
  return `pod/${pod.name}: ${state}, ready ${pod.ready ? 'yes' : 'no'}, restarts ${pod.restarts} (${pod.restartsRecent} recent)`;
}

export function eventLine(event: WarningEvent): string {
  return `event ${event.reason} on ${event.object}${event.count > 1 ? ` (x${event.count})` : ''}: ${event.message}`;
}

export function logLine(match: LogMatch): string {
  return `log ${match.pod}/${match.container}${match.previous ? ' (previous)' : ''}: ${match.line}`;
}

export function readinessLine(pods: PodSummary, selector: string): string {
  if (pods.pods.length === 0) return `no pods match selector ${selector}`;
  return `${pods.ready}/${pods.active} pods ready (selector ${selector})`;
}

export function endpointsLine(endpoints: EndpointFacts): string {
  if (endpoints.ready === null) return endpoints.note ?? `endpoints of ${endpoints.service} unknown`;
  return `${endpoints.source === 'EndpointSlice' ? 'endpointslices' : 'endpoints'} ${endpoints.service}: ${endpoints.ready} ready, ${endpoints.notReady ?? 0} not ready`;
}

export function eventsFor(events: readonly WarningEvent[] | null, podNames: ReadonlySet<string>, limit = 2): string[] {
  return (events ?? [])
    .filter((e) => podNames.has(e.object.replace(/^pod\//, '')))
    .slice(0, limit)
    .map(eventLine);
}
