/**
 * Keeping the incident state under a store's size budget (a ConfigMap holds about 1 MiB). History goes first and
 * oldest first: resolved incidents whose messages are all delivered, then dead letters. Open incidents and queued
 * messages are never dropped: if they alone exceed the budget the write is attempted as it is, and a store that
 * refuses it reports a failed write (paging continues from memory).
 */
import type { IncidentState } from './state.js';

export interface Compaction {
  incidents: string[];
  deadLetters: number;
}

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value)) + 1;

/** Drops at least `overBy` bytes of history from `state` if it has that much; returns what went. */
export function compactToFit(state: IncidentState, overBy: number): Compaction {
  let left = overBy;
  const queued = new Set(state.outbox.map((e) => e.notification.incidentId));
  const history = state.incidents.filter((i) => i.resolvedAt !== null && !queued.has(i.id)).sort((a, b) => (a.resolvedAt ?? 0) - (b.resolvedAt ?? 0));
  const gone = new Set<string>();
  for (const incident of history) {
    if (left <= 0) break;
    gone.add(incident.id);
    left -= bytes(incident);
  }
  if (gone.size > 0) state.incidents = state.incidents.filter((i) => !gone.has(i.id));
  let deadLetters = 0;
  // newest last: the oldest go first
  while (left > 0 && state.deadLetters && state.deadLetters.length > 0) {
    left -= bytes(state.deadLetters.shift());
    deadLetters += 1;
  }
  return { incidents: [...gone], deadLetters };
}
