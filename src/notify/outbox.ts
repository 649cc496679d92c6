/**
 * The notification outbox: one ordered queue per sink inside the persisted state. Entries leave it only when
 * delivered or rejected for good (a non-retryable 4xx); age never drops anything, so a sink that was down for an
 * hour gets its backlog, in order, when it comes back.
 */
import type { Notification, OutboxEntry } from './types.js';

export interface RetryPolicy {
  initial: number;
  max: number;
  jitter: number;
}

/** Exponential backoff capped at `max`, each delay shortened by up to `jitter` of itself so senders spread out. */
export function backoffMs(attempt: number, retry: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const base = Math.min(retry.max, retry.initial * 2 ** exponent);
  return Math.max(0, Math.round(base * (1 - retry.jitter * random())));
}

export class Outbox {
  /**
   * Entries queued but not yet in a durable state file. They must not be sent: a crash would lose the record of
   * the page while the page itself went out. Anything loaded from disk is durable by definition.
   */
  private readonly uncommitted = new Set<string>();

  /** reads the array through an accessor: a reload (leadership change) swaps the state document underneath */
  constructor(private readonly list: () => OutboxEntry[]) {}

  private get entries(): OutboxEntry[] {
    return this.list();
  }

  enqueue(notification: Notification, sinks: readonly string[], now: number): OutboxEntry[] {
    const added = sinks.map((sink) => ({
      id: `${notification.eventId}@${sink}`,
      sink,
      notification,
      attempts: 0,
      nextAttemptAt: now,
      lastError: null,
    }));
    this.entries.push(...added);
    for (const entry of added) this.uncommitted.add(entry.id);
    return added;
  }

  /** Call before a commit; after it is durable, pass the result to `committed`. */
  pendingCommit(): string[] {
    return [...this.uncommitted];
  }

  committed(ids: readonly string[]): void {
    for (const id of ids) this.uncommitted.delete(id);
  }

  isDurable(entry: OutboxEntry): boolean {
    return !this.uncommitted.has(entry.id);
  }

  /** the oldest undelivered entry of a sink: only it may be attempted, so order holds */
  head(sink: string): OutboxEntry | undefined {
    return this.entries.find((e) => e.sink === sink);
  }

  remove(id: string): boolean {
    const index = this.entries.findIndex((e) => e.id === id);
    if (index < 0) return false;
    this.entries.splice(index, 1);
    this.uncommitted.delete(id);
    return true;
  }

  pendingFor(sink: string, incidentId: string): boolean {
    return this.entries.some((e) => e.sink === sink && e.notification.incidentId === incidentId);
  }

  hasIncident(incidentId: string): boolean {
    return this.entries.some((e) => e.notification.incidentId === incidentId);
  }

  sinks(): string[] {
    return [...new Set(this.entries.map((e) => e.sink))];
  }

  depth(sink?: string): number {
    return sink === undefined ? this.entries.length : this.entries.filter((e) => e.sink === sink).length;
  }

  /** drops entries for sinks no longer configured; returns how many went */
  retain(sinks: ReadonlySet<string>): OutboxEntry[] {
    const gone = this.entries.filter((e) => !sinks.has(e.sink));
    for (const entry of gone) this.remove(entry.id);
    return gone;
  }
}
