/**
 * Settling upgrades: one worsening episode sends one update. The daemon's rolling error rate crosses the P1 band a few
 * evaluations before the endpoints read as down (an endpoint that was already erring needs a longer failing streak),
 * so an upgrade below P0 is held until the severity has stopped rising; a rise to P0 (nothing is higher) goes out at
 * once and carries what was held. The hold lives on the incident, so it is persisted with it and survives a restart.
 */
import type { Severity } from '../model/types.js';
import type { Effect } from './effects.js';
import { addTimeline } from './timeline.js';
import type { Incident } from './types.js';

/**
 * Evaluations without a further rise before a held update goes out. It covers the longest gap between the error-rate
 * band and the outage reading (the daemon's FLAKY_DOWN_AFTER_SAMPLES streak, less the sample both share).
 */
export const SETTLE_EVALUATIONS = 5;
/** Whatever the interval, a held update goes out by then: a third of the runbook's P1 first-notification deadline. */
export const SETTLE_MAX_MS = 5 * 60_000;

export interface UpdateRequest {
  /** the severity before this evaluation's upgrade; null when it did not upgrade */
  risenFrom: Severity | null;
  /** other news (a cause identified) */
  notes: string[];
}

/**
 * Decides what one evaluation of an open incident sends: `update` is what it would have sent at once (null when
 * nothing), `failing` says whether the evaluation was still bad: a clean one ends the worsening, so what was held
 * goes out before any resolution. Returns the notify effect to queue now, if any.
 */
export function settleUpdate(incident: Incident, update: UpdateRequest | null, failing: boolean, now: number): Effect[] {
  const held = incident.heldUpdate ?? null;
  if (update && update.risenFrom !== null && incident.severity !== 'P0') {
    incident.heldUpdate = {
      from: held?.from ?? update.risenFrom,
      since: held?.since ?? now,
      quiet: 0,
      notes: [...(held?.notes ?? []), ...update.notes],
    };
    addTimeline(incident, now, 'queued', `Update held until the severity settles (${incident.heldUpdate.from} → ${incident.severity} so far)`);
    return [];
  }
  if (!held) return update ? [notify(incident, update.risenFrom, update.notes)] : [];
  if (update && update.risenFrom === null && failing) {
    // news without an upgrade joins the held update instead of paging separately
    held.notes.push(...update.notes);
  }
  const toP0 = update !== null && update.risenFrom !== null;
  if (!toP0 && failing) {
    held.quiet += 1;
    if (held.quiet < SETTLE_EVALUATIONS && now - held.since < SETTLE_MAX_MS) return [];
  }
  incident.heldUpdate = null;
  const notes = [...held.notes, ...(toP0 ? update.notes : [])];
  return [notify(incident, held.from, notes)];
}

function notify(incident: Incident, from: Severity | null, notes: readonly string[]): Effect {
  const upgraded = from !== null && from !== incident.severity;
  const note = [...(upgraded ? [`severity upgraded from ${from} to ${incident.severity}`] : []), ...notes].join('; ');
  return { type: 'notify', incident, kind: 'update', previousSeverity: upgraded ? from : null, note };
}
