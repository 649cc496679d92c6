/**
 * The history store the daemon writes and the HTTP routes read: record() and severity() only touch memory; a timer
 * commits every second (the hour and day rows every minute), in slices that serve the event loop between them, and
 * prunes every few minutes in steps. Nothing here throws at a caller that records: a failed commit is reported
 * through `onError` (the daemon logs it with its code and counts it) and retried by the next one.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { HISTORY_FILE, openDatabase } from './database.js';
import { pruningSteps, type Step } from './pruning.js';
import { HistoryReader } from './reader.js';
import { WORST_RANK, type HistorySample, type Retention } from './types.js';
import { HistoryWriter } from './writer.js';
import type { Severity } from '../model/types.js';

/**
 * Rows per slice of the timer's flush, one transaction each: about 2 ms of the event loop on this machine (a row is a
 * raw result or a rewritten hour or day row, 5-20 µs each). 20,000 endpoints every 10 s write 2,000 raw results a
 * second, and each minute 40,000 hour and day rows on top.
 */
export const SLICE_ROWS = 200;

export interface HistoryOptions {
  dir: string;
  retention: Retention;
  now?: () => number;
  /** a failed write or prune; the store carries on */
  onError?: (err: unknown, during: 'write' | 'prune') => void;
  flushEveryMs?: number;
  pruneEveryMs?: number;
}

export class HistoryStore {
  readonly writer: HistoryWriter;
  private readonly reader: HistoryReader;
  /** where an unreadable file was moved at open, if it was */
  readonly movedTo: string | undefined;
  writeFailures = 0;
  private timers: NodeJS.Timeout[] = [];
  private pruning: Promise<void> | null = null;
  private slicing: Promise<void> | null = null;
  private closed = false;
  private stopping = false;
  readonly now: () => number;

  private constructor(
    private readonly db: DatabaseSync,
    private readonly options: HistoryOptions,
    movedTo: string | undefined,
  ) {
    this.now = options.now ?? Date.now;
    this.writer = new HistoryWriter(db);
    this.reader = new HistoryReader(db);
    this.movedTo = movedTo;
  }

  /** Opens the store; throws HistoryOpenError when the directory or file cannot be used at all. */
  static open(options: HistoryOptions): HistoryStore {
    const now = (options.now ?? Date.now)();
    const { db, movedTo } = openDatabase(options.dir, now);
    return new HistoryStore(db, options, movedTo);
  }

  /** Starts the flush and prune timers (unref'd: they never keep a process alive). */
  start(): this {
    const flush = setInterval(() => void this.flushInSlices(), this.options.flushEveryMs ?? 1_000);
    const prune = setInterval(() => void this.prune(), this.options.pruneEveryMs ?? 10 * 60_000);
    for (const timer of [flush, prune]) timer.unref();
    this.timers = [flush, prune];
    return this;
  }

  record(sample: HistorySample): void {
    this.guard('write', () => this.writer.record(sample));
  }

  /** the service's severity at one evaluation; null = healthy */
  severity(t: number, severity: Severity | null): void {
    this.writer.severity(t, WORST_RANK[severity ?? 'ok']);
  }

  /**
   * The read side, after committing what is queued: a reader sees every result recorded so far, and what it shows
   * is on disk, so a crash right after cannot take back a figure once shown.
   */
  read(): HistoryReader {
    this.flush();
    return this.reader;
  }

  /** Commits what is queued; false (and onError) when it could not. */
  flush(): boolean {
    if (this.closed) return false;
    return this.guard('write', () => this.writer.flush(this.now()));
  }

  /** The timer's flush: slice by slice until what was queued when it started is committed, or a slice fails. */
  flushInSlices(): Promise<void> {
    this.slicing ??= this.runSlices().finally(() => (this.slicing = null));
    return this.slicing;
  }

  private async runSlices(): Promise<void> {
    for (;;) {
      if (this.closed || this.stopping) return;
      let more = false;
      if (!this.guard('write', () => (more = this.writer.flushStep(this.now(), SLICE_ROWS))) || !more) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Prunes past the retention and compacts, one step per event-loop turn; resolves when done. */
  prune(): Promise<void> {
    this.pruning ??= this.runSteps(pruningSteps(this.db, this.options.retention, this.now())).finally(() => (this.pruning = null));
    return this.pruning;
  }

  private async runSteps(steps: Step[]): Promise<void> {
    for (const step of steps) {
      for (;;) {
        if (this.stopping) return;
        let more = false;
        this.guard('prune', () => (more = step()));
        await new Promise((resolve) => setImmediate(resolve));
        if (!more) break;
      }
    }
  }

  /** bytes on disk: the database and its WAL */
  sizeBytes(): number {
    let total = 0;
    for (const suffix of ['', '-wal']) {
      try {
        total += statSync(join(this.options.dir, HISTORY_FILE + suffix)).size;
      } catch {
        // no WAL right after a truncating checkpoint
      }
    }
    return total;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const timer of this.timers) clearInterval(timer);
    this.stopping = true;
    await Promise.all([this.pruning, this.slicing]);
    this.flush();
    this.closed = true;
    this.db.close();
  }

  private guard(during: 'write' | 'prune', work: () => void): boolean {
    try {
      work();
      return true;
    } catch (err) {
      if (during === 'write') this.writeFailures += 1;
      this.options.onError?.(err, during);
      return false;
    }
  }
}
