/** Timeline helpers: every change to an incident is one event; long-flapping incidents keep their first and newest events. */
import type { Incident, TimelineEvent, TimelineKind } from './types.js';

export const MAX_TIMELINE = 1000;
const KEEP_HEAD = 50;

export function addTimeline(
  incident: Incident,
  at: number,
  kind: TimelineKind,
  message: string,
  extra: Partial<Omit<TimelineEvent, 'at' | 'kind' | 'message'>> = {},
): void {
  incident.timeline.push({ at: new Date(at).toISOString(), kind, message, ...extra });
  if (incident.timeline.length > MAX_TIMELINE) incident.timeline.splice(KEEP_HEAD, incident.timeline.length - MAX_TIMELINE);
}
