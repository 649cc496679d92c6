/**
 * Drives the outbox: per sink, one attempt at a time on the queue's head, so every sink sees its messages in
 * queue order. Each attempt has a deadline, and a message still failing when its retry budget is spent leaves
 * the queue for the dead-letter list, so one stuck message cannot hold back everything behind it for longer. A success is made durable (via `hooks.delivered`, which persists) before the next attempt: the
 * only duplicate a crash can cause is the one message whose "done" mark did not reach the disk, and that one
 * carries the same idempotency key (event id / dedup_key / alert labels) as before.
 */
import { backoffMs, type Outbox } from './outbox.js';
import type { DeliveryResult, Notification, OutboxEntry, Sink, SinkContext } from './types.js';

export type Outcome = 'sent' | 'retry' | 'dropped' | 'resent' | 'dead';

/** Kept in logs, timelines and state: long enough to explain, short enough for a timeline line. */
const MAX_ERROR_TEXT = 300;
/** a sink's own timeout should fire first; this only catches a sink that ignores it */
const DEADLINE_GRACE_MS = 1_000;
const DEFAULT_ATTEMPT_MS = 30_000;

export interface DeliveryHooks {
  /** may the process send at all (leader, not closing) */
  canSend(): boolean;
  /** remove the entry from the outbox and persist; resolves once durable */
  delivered(entry: OutboxEntry, result: DeliveryResult): Promise<void>;
  /**
   * a failed attempt; when `willRetry` is false the entry must leave the outbox for the dead-letter list (and
   * that be persisted): `exhausted` tells a spent retry budget from a rejection
   */
  failed(entry: OutboxEntry, error: string, willRetry: boolean, exhausted?: boolean): Promise<void>;
  /** snapshots of still-firing incidents this sink re-asserts (Alertmanager) */
  firing(sink: Sink): Notification[];
  /** something became due later: re-arm the timer */
  rescheduled(): void;
}

export class DeliveryPump {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly counts = new Map<string, number>();
  private readonly lastResent = new Map<string, number>();

  constructor(
    private readonly sinks: ReadonlyMap<string, Sink>,
    private readonly outbox: Outbox,
    private readonly ctx: SinkContext,
    private readonly hooks: DeliveryHooks,
  ) {}

  kick(): void {
    for (const id of this.sinks.keys()) this.kickSink(id);
  }

  private kickSink(id: string): void {
    if (this.running.has(id)) {
      this.again.add(id);
      return;
    }
    const run = this.drain(id)
      .catch((err: unknown) => this.ctx.log.error({ err, sink: id }, 'notification delivery loop failed; will retry on the next tick'))
      .finally(() => {
        this.running.delete(id);
        if (this.again.delete(id)) this.kickSink(id);
        else this.hooks.rescheduled();
      });
    this.running.set(id, run);
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  private count(sink: string, outcome: Outcome): void {
    const key = `${sink}\u0000${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  counters(): { sink: string; outcome: Outcome; count: number }[] {
    return [...this.counts].map(([key, count]) => {
      const [sink, outcome] = key.split('\u0000') as [string, Outcome];
      return { sink, outcome, count };
    });
  }

  private async drain(sinkId: string): Promise<void> {
    const sink = this.sinks.get(sinkId);
    if (!sink) return;
    while (this.hooks.canSend()) {
      const entry = this.outbox.head(sinkId);
      if (!entry) return this.resend(sink);
      // not durable yet: the commit that records it kicks the pump again
      if (!this.outbox.isDurable(entry) || entry.nextAttemptAt > this.ctx.now()) return;
      entry.firstAttemptAt ??= this.ctx.now();
      entry.attempts += 1;
      const result = await this.attempt(sink, entry.notification);
      if (result.ok) {
        this.count(sinkId, 'sent');
        this.noteFiring(sink, entry.notification);
        await this.hooks.delivered(entry, result);
        continue;
      }
      const error = this.cleanError(result.error);
      entry.lastError = error;
      if (!result.retryable) {
        this.count(sinkId, 'dropped');
        await this.hooks.failed(entry, error, false);
        continue;
      }
      if (this.ctx.now() - entry.firstAttemptAt >= (sink.retry.budget ?? Infinity)) {
        this.count(sinkId, 'dead');
        await this.hooks.failed(entry, error, false, true);
        continue;
      }
      this.count(sinkId, 'retry');
      const wait = Math.max(backoffMs(entry.attempts, sink.retry), result.retryAfterMs ?? 0);
      entry.nextAttemptAt = this.ctx.now() + Math.min(wait, Math.max(sink.retry.max, result.retryAfterMs ?? 0));
      await this.hooks.failed(entry, error, true);
      return;
    }
  }

  /** One delivery with a hard deadline: a sink that never answers is a failed, retryable attempt. */
  private async attempt(sink: Sink, n: Notification): Promise<DeliveryResult> {
    const limit = (sink.timeoutMs ?? DEFAULT_ATTEMPT_MS) + DEADLINE_GRACE_MS;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<DeliveryResult>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, retryable: true, status: null, error: `no answer within ${limit} ms`, retryAfterMs: null }),
        limit,
      );
    });
    try {
      return await Promise.race([sink.deliver(n, this.ctx), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** What a sink said can echo its URL, routing key or headers: scrub, then shorten (never the other way round). */
  private cleanError(error: string): string {
    const clean = this.ctx.redact ? this.ctx.redact(error) : error;
    return clean.length <= MAX_ERROR_TEXT ? clean : `${clean.slice(0, MAX_ERROR_TEXT - 1)}…`;
  }

  private noteFiring(sink: Sink, n: Notification): void {
    if (!sink.resendEvery) return;
    const key = `${sink.id}\u0000${n.incidentId}`;
    if (n.kind === 'resolve') this.lastResent.delete(key);
    else this.lastResent.set(key, this.ctx.now());
  }

  /** re-post firing alerts that are due; a failure is simply retried at the next resend */
  private async resend(sink: Sink): Promise<void> {
    if (!sink.resendEvery) return;
    for (const n of this.hooks.firing(sink)) {
      const key = `${sink.id}\u0000${n.incidentId}`;
      const last = this.lastResent.get(key);
      if (last !== undefined && last + sink.resendEvery > this.ctx.now()) continue;
      if (!this.hooks.canSend() || this.outbox.pendingFor(sink.id, n.incidentId)) continue;
      const result = await this.attempt(sink, n);
      this.count(sink.id, result.ok ? 'resent' : 'retry');
      // on failure try again after the initial retry delay rather than a full resend period
      this.lastResent.set(key, result.ok ? this.ctx.now() : this.ctx.now() - sink.resendEvery + sink.retry.initial);
    }
  }

  /** the earliest moment any sink has work: a retry coming due, or a firing alert to re-assert */
  nextDue(): number | null {
    let due: number | null = null;
    const consider = (at: number): void => {
      if (due === null || at < due) due = at;
    };
    for (const sink of this.sinks.values()) {
      const head = this.outbox.head(sink.id);
      if (head) consider(head.nextAttemptAt);
      else if (sink.resendEvery) {
        for (const n of this.hooks.firing(sink)) consider((this.lastResent.get(`${sink.id}\u0000${n.incidentId}`) ?? 0) + sink.resendEvery);
      }
    }
    return due;
  }

  forget(incidentId: string): void {
    for (const key of [...this.lastResent.keys()]) if (key.endsWith(`\u0000${incidentId}`)) this.lastResent.delete(key);
  }
}
