/**
 * The history store the daemon writes and the HTTP routes read: record() and severity() only touch memory; a timer
 * commits every second (the hour and day rows every minute), in slices that serve the event loop between them, and
 * prunes every few minutes in steps. Nothing here throws at a caller that records: a failed commit is reported
 * through `onError` (the daemon logs it with its code and counts it) and retried by the next one. A damaged file is
 * not retried: the store stops and reports it through `onDamaged`, once (the daemon moves it aside and starts anew).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { HISTORY_FILE, isDamaged, moveAside, openDatabase } from './database.js';
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
  /** SQLite read a damaged page; the store has stopped writing, and discard() moves the file aside */
  onDamaged?: (err: unknown) => void;
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
  /** what SQLite said when it read a damaged page: from then on nothing is written */
  private damage: Error | undefined;
  readonly now: () => number;

  private constructor(
    private readonly db: DatabaseSync,
    writer: HistoryWriter,
    private readonly options: HistoryOptions,
    movedTo: string | undefined,
  ) {
    this.now = options.now ?? Date.now;
    this.writer = writer;
    this.reader = new HistoryReader(db);
    this.movedTo = movedTo;
  }

  /** Opens the store; throws HistoryOpenError when the directory or file cannot be used at all. */
  static open(options: HistoryOptions): HistoryStore {
    const now = (options.now ?? Date.now)();
    // the writer reads where it left off (ids, open rows, the results a crash left uncounted): part of opening
    const { opened, movedTo } = openDatabase(options.dir, now, (db) => ({ db, writer: new HistoryWriter(db) }));
    return new HistoryStore(opened.db, opened.writer, options, movedTo);
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
    if (this.damage !== undefined) throw this.damage;
    return this.reader;
  }

  /** A read that failed: true (and onDamaged) when SQLite found the file damaged. */
  readFailed(err: unknown): boolean {
    if (!isDamaged(err)) return false;
    this.damaged(err);
    return true;
  }

  /** Closes a damaged file without writing to it and moves it aside; returns where it went. */
  discard(): string {
    this.stop();
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
    return moveAside(this.options.dir, this.now());
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
    this.stop();
    await Promise.all([this.pruning, this.slicing]);
    this.flush();
    // a flush that found the file damaged has discarded it already
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /** no new flush or prune step starts; the ones under way end at their next step */
  private stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.stopping = true;
  }

  private damaged(err: unknown): void {
    if (this.damage !== undefined) return;
    this.damage = err instanceof Error ? err : new Error(String(err));
    this.stop();
    this.options.onDamaged?.(err);
  }

  private guard(during: 'write' | 'prune', work: () => void): boolean {
    if (this.damage !== undefined) return false;
    try {
      work();
      return true;
    } catch (err) {
      if (during === 'write') this.writeFailures += 1;
      if (isDamaged(err)) this.damaged(err);
      else this.options.onError?.(err, during);
      return false;
    }
  }
}
