/**
 * The write path: results and severities are queued in memory and committed by the next flush (the store flushes
 * every second and before every read), so a probe never waits on the disk and a `kill -9` loses at most the last
 * second of raw results. The open hour and day of each probe stay in memory as the whole truth of their row: a flush
 * rewrites those rows, so a failed flush is simply repeated by the next one.
 *
 * The hour and day rows are rewritten at most once a minute (a read or a close writes them at once): rewriting every
 * probe's rows every second dirtied pages all over both tables, and the commit writing those pages was the larger
 * part of the history's cost. What a crash keeps from them is made whole when the file opens: each result's rowid is
 * the writer's sequence number, each row says up to which number it counts, and the results past the last complete
 * write are counted again into the rows that lack them (database.ts, `writer_state`).
 *
 * A flush is grouped by probe (its raw results with its hour and day rows, the service's rows last) and can be
 * committed in slices of a few hundred rows, one transaction each, so that 2,000 results a second are not one block
 * of the event loop.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Aggregate, encodeHistogram } from './aggregate.js';
import { HourBlock } from './hour-block.js';
import { SERVICE_ID } from './database.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, STATUSES, type HistorySample } from './types.js';

/** raw results waiting for a flush; beyond this (a disk failing for minutes) the oldest are dropped, counted */
export const MAX_PENDING = 20_000;

/** how often the timer's flush rewrites the hour and day rows that changed */
export const AGGREGATES_EVERY_MS = 60_000;

const PASS = STATUSES.indexOf('pass');
const SKIPPED = STATUSES.indexOf('skipped');

/** what one flush writes for one probe (or the service): its raw results, the keys of its changed hour and day rows */
interface Batch {
  probe: number;
  results: Pending[];
  hours: string[];
  days: string[];
}

/** a raw result waiting for its flush, with its sequence number (its rowid) */
interface Pending {
  seq: number;
  id: number;
  sample: HistorySample;
}

const rowsOf = (batch: Batch): number => batch.results.length + batch.hours.length + batch.days.length;

const key = (probe: number, period: number): string => `${period}:${probe}`;

export class HistoryWriter {
  private readonly ids = new Map<string, number>();
  private pending: Pending[] = [];
  /** `countedTo`: the sequence number up to which the row on disk counted when it was loaded (0 for a new row) */
  private readonly hours = new Map<string, { probe: number; hour: number; block: HourBlock; countedTo: number; sealed?: boolean }>();
  private readonly days = new Map<string, { probe: number; day: number; total: Aggregate; countedTo: number }>();
  private readonly dirtyHours = new Set<string>();
  private readonly dirtyDays = new Set<string>();
  private readonly severities = new Map<number, number>();
  /** the earliest hour and day held in memory: evict() has nothing to do while they are current */
  private oldestHour = Infinity;
  private oldestDay = Infinity;
  /** the flush being written: batches before `next` are committed */
  private queue: Batch[] = [];
  private next = 0;
  /** the last sequence number given to a result */
  private issued: number;
  /** when the hour and day rows were last taken into a flush */
  private aggregatesTakenAt = -Infinity;
  /** set while the flush being written holds every changed row: the sequence number they all count up to, at least */
  private completes: number | undefined;
  dropped = 0;
  /** probes first seen (or seen with another kind) since the last commit: registered inside the next flush's transaction */
  private registrations: { id: number; name: string; kind: string }[] = [];
  private readonly kinds = new Map<string, string>();
  private lastId: number;
  /**
   * What can be on disk without being in memory: rows that were there when the writer opened (probes up to
   * `openedUpTo.id`, hours and days up to theirs) and rows this writer evicted. Any other miss is a new row: at start and
   * at every hour's start 20,000 probes did not each need a SELECT to learn that.
   */
  private readonly openedUpTo: { id: number; hour: number; day: number };
  private readonly evictedHours = new Set<number>();
  private readonly evictedDays = new Set<number>();
  /**
   * The rows of the newest hour and day on disk when the writer opened, read in one statement on the first miss: a
   * daemon restarted within the hour needs every probe's, and 20,000 SELECTs one by one took most of a second.
   */
  private hourRows: Map<number, HourRow> | undefined;
  private dayRows: Map<number, DayRow> | undefined;
  private readonly sql: Record<
    'insertProbe' | 'result' | 'hour' | 'loadHour' | 'hourRows' | 'day' | 'loadDay' | 'dayRows' | 'severity' | 'state',
    StatementSync
  >;

  constructor(private readonly db: DatabaseSync) {
    this.sql = {
      insertProbe: db.prepare('INSERT INTO probes (id, name, kind) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET kind = excluded.kind'),
      result: db.prepare('INSERT INTO results (rowid, probe, t, status, duration_ms, code) VALUES (?, ?, ?, ?, ?, ?)'),
      hour: db.prepare(
        'INSERT OR REPLACE INTO hours (hour, probe, count, failures, ok_sum_ms, latency, minutes, counted_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      loadHour: db.prepare('SELECT minutes, counted_to FROM hours WHERE hour = ? AND probe = ?'),
      hourRows: db.prepare('SELECT probe, minutes, counted_to FROM hours WHERE hour = ?'),
      day: db.prepare('INSERT OR REPLACE INTO days (day, probe, count, failures, ok_sum_ms, latency, counted_to) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      loadDay: db.prepare('SELECT count, failures, ok_sum_ms, latency, counted_to FROM days WHERE day = ? AND probe = ?'),
      dayRows: db.prepare('SELECT probe, count, failures, ok_sum_ms, latency, counted_to FROM days WHERE day = ?'),
      severity: db.prepare(
        'INSERT INTO severity (minute, worst) VALUES (?, ?) ON CONFLICT (minute) DO UPDATE SET worst = max(worst, excluded.worst)',
      ),
      state: db.prepare('UPDATE writer_state SET issued = ?, aggregated = max(aggregated, ?)'),
    };
    // every probe's id in one statement, not one SELECT per probe on first sight
    for (const row of db.prepare('SELECT id, name, kind FROM probes').all() as { id: number; name: string; kind: string }[]) {
      this.ids.set(row.name, row.id);
      this.kinds.set(row.name, row.kind);
    }
    this.lastId = (db.prepare('SELECT max(id) AS id FROM probes').get() as { id: number | null }).id ?? SERVICE_ID;
    const newest = (sql: string): number => (db.prepare(sql).get() as { v: number | null }).v ?? -Infinity;
    this.openedUpTo = { id: this.lastId, hour: newest('SELECT max(hour) AS v FROM hours'), day: newest('SELECT max(day) AS v FROM days') };
    const state = db.prepare('SELECT issued, aggregated FROM writer_state').get() as { issued: number; aggregated: number };
    this.issued = Math.max(state.issued, newest('SELECT max(rowid) AS v FROM results'));
    this.countSince(state.aggregated);
  }

  /**
   * Counts the results a crash left out of their hour and day rows: those past the last complete write of the rows,
   * each into the rows whose `counted_to` is below it. They are written by the first flush.
   */
  private countSince(aggregated: number): void {
    const since = this.db.prepare('SELECT rowid AS seq, probe, t, status, duration_ms AS ms FROM results WHERE rowid > ? ORDER BY rowid');
    for (const row of since.iterate(aggregated) as Iterable<{ seq: number; probe: number; t: number; status: number; ms: number }>)
      if (row.status !== SKIPPED) this.count(row.probe, row.seq, row.t, row.status === PASS, row.ms);
  }

  /** the probe's id, registering it (and its current kind) on first sight */
  idOf(probe: string, kind: string): number {
    const known = this.ids.get(probe);
    if (known !== undefined && this.kinds.get(probe) === kind) return known;
    // one writer per history file: the next id is ours to give
    const id = known ?? ++this.lastId;
    this.ids.set(probe, id);
    this.kinds.set(probe, kind);
    this.registrations.push({ id, name: probe, kind });
    return id;
  }

  /** Counts the result into its minute (probe and service) at once; the raw row waits for the flush. */
  record(sample: HistorySample): void {
    const id = this.idOf(sample.probe, sample.kind);
    if (this.pending.length >= MAX_PENDING) {
      this.pending.shift();
      this.dropped += 1;
    }
    const seq = ++this.issued;
    this.pending.push({ seq, id, sample });
    if (sample.status !== 'skipped') this.count(id, seq, sample.t, sample.status === 'pass', sample.durationMs);
  }

  /** into the probe's and the service's hour and day, unless the row already counts this sequence number */
  private count(id: number, seq: number, t: number, ok: boolean, durationMs: number): void {
    for (const probe of [id, SERVICE_ID]) {
      const hour = this.hourEntry(probe, Math.floor(t / HOUR_MS));
      if (seq > hour.countedTo) hour.block.add(Math.floor(t / MINUTE_MS) % 60, ok, durationMs);
      const day = this.dayEntry(probe, Math.floor(t / DAY_MS));
      if (seq > day.countedTo) day.total.add(ok, durationMs);
    }
  }

  /** the worst severity rank (see WORST_RANK) seen at `t`'s minute */
  severity(t: number, rank: number): void {
    const minute = Math.floor(t / MINUTE_MS);
    this.severities.set(minute, Math.max(rank, this.severities.get(minute) ?? 0));
  }

  /** Bulk fast path (the bench, imports): a whole hour of one probe, already aggregated. Committed by the next flush. */
  writeHour(probe: string, kind: string, hour: number, block: HourBlock): void {
    const id = this.idOf(probe, kind);
    const k = key(id, hour);
    this.hours.set(k, { probe: id, hour, block, countedTo: 0 });
    this.oldestHour = Math.min(this.oldestHour, hour);
    this.dirtyHours.add(k);
    const total = block.total();
    this.dayEntry(id, Math.floor((hour * HOUR_MS) / DAY_MS)).total.merge(total);
  }

  get queued(): number {
    return this.registrations.length + this.pending.length + this.dirtyHours.size + this.severities.size + this.queue.length - this.next;
  }

  /**
   * Everything queued, hour and day rows included, in one transaction (a read, a close). Throws when it could not
   * commit; what was queued stays queued.
   */
  flush(now: number): void {
    if (this.queued === 0) return;
    // what an interrupted or failed flush left first, then the rest
    if (this.next < this.queue.length) this.write(now, Infinity);
    this.take(now, true);
    this.write(now, Infinity);
  }

  /**
   * One slice of the timer's flush: up to `maxRows` rows (whole probes) in one transaction, starting a new flush
   * when the last one is done (with the changed hour and day rows once AGGREGATES_EVERY_MS has passed). True while
   * that flush has more to write. Throws like flush(); the slice is then retried.
   */
  flushStep(now: number, maxRows: number): boolean {
    if (this.next >= this.queue.length) this.take(now, now - this.aggregatesTakenAt >= AGGREGATES_EVERY_MS);
    return this.write(now, maxRows);
  }

  /** groups what is queued by probe into a new flush, the service's rows last: they sum every probe's */
  private take(now: number, aggregates: boolean): void {
    const batches = new Map<number, Batch>();
    const batch = (probe: number): Batch => {
      let found = batches.get(probe);
      if (!found) batches.set(probe, (found = { probe, results: [], hours: [], days: [] }));
      return found;
    };
    for (const result of this.pending) batch(result.id).results.push(result);
    this.pending = [];
    this.completes = undefined;
    if (aggregates) {
      for (const k of this.dirtyHours) {
        const entry = this.hours.get(k);
        if (entry) batch(entry.probe).hours.push(k);
      }
      for (const k of this.dirtyDays) {
        const entry = this.days.get(k);
        if (entry) batch(entry.probe).days.push(k);
      }
      this.dirtyHours.clear();
      this.dirtyDays.clear();
      this.aggregatesTakenAt = now;
      // every row not taken here counts every result so far; every row taken will, once written
      this.completes = this.issued;
    }
    const service = batches.get(SERVICE_ID);
    batches.delete(SERVICE_ID);
    this.queue = [...batches.values(), ...(service ? [service] : [])];
    this.next = 0;
  }

  /** commits the next batches of the flush, up to `maxRows` rows (at least one batch), and the severities */
  private write(now: number, maxRows: number): boolean {
    const from = this.next;
    let to = from;
    for (let rows = 0; to < this.queue.length && (to === from || rows + rowsOf(this.queue[to]) <= maxRows); to++) rows += rowsOf(this.queue[to]);
    if (to === from && this.severities.size === 0 && this.registrations.length === 0) return false;
    const openHour = Math.floor(now / HOUR_MS);
    const last = to === this.queue.length;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const { id, name, kind } of this.registrations) this.sql.insertProbe.run(id, name, kind);
      for (let i = from; i < to; i++) this.writeBatch(this.queue[i], openHour);
      for (const [minute, worst] of this.severities) this.sql.severity.run(minute, worst);
      // only a flush of the rows writes `counted_to`, so only its slices need the last number given out on disk
      if (this.completes !== undefined) this.sql.state.run(this.issued, last ? this.completes : 0);
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw err;
    }
    this.severities.clear();
    this.registrations = [];
    this.next = to;
    if (to < this.queue.length) return true;
    this.queue = [];
    this.next = 0;
    // only a flush that wrote the hour and day rows can have written a past one sealed
    if (this.completes !== undefined) this.evict(now);
    this.completes = undefined;
    return false;
  }

  private writeBatch(batch: Batch, openHour: number): void {
    for (const { seq, id, sample } of batch.results)
      this.sql.result.run(seq, id, sample.t, STATUSES.indexOf(sample.status), sample.durationMs, sample.code ?? null);
    for (const k of batch.hours) {
      const entry = this.hours.get(k);
      if (!entry) continue;
      const { count, failures, okSumMs, latency } = entry.block.total();
      entry.sealed = entry.hour < openHour;
      const minutes = entry.block.encode(entry.sealed);
      this.sql.hour.run(entry.hour, entry.probe, count, failures, okSumMs, encodeHistogram(latency), minutes, this.issued);
    }
    for (const k of batch.days) {
      const entry = this.days.get(k);
      if (!entry) continue;
      const { count, failures, okSumMs, latency } = entry.total;
      this.sql.day.run(entry.day, entry.probe, count, failures, okSumMs, encodeHistogram(latency), this.issued);
    }
  }

  /**
   * Rows of past hours and days leave memory once written, an hour once written sealed (deflated): an hour that just
   * ended is queued for that last rewrite. A late result reloads its row.
   */
  private evict(now: number): void {
    const hour = Math.floor(now / HOUR_MS);
    const day = Math.floor(now / DAY_MS) - 1;
    // a scan of every probe's rows, only when one of them can be past (on every flush it was most of its garbage)
    if (this.oldestHour < hour) {
      let oldest = Infinity;
      this.hours.forEach((entry, k) => {
        if (entry.hour >= hour) oldest = Math.min(oldest, entry.hour);
        else if (entry.sealed) {
          this.hours.delete(k);
          this.evictedHours.add(entry.hour);
          if (entry.hour === this.openedUpTo.hour) this.hourRows = undefined;
        } else {
          this.dirtyHours.add(k);
          oldest = Math.min(oldest, entry.hour);
        }
      });
      this.oldestHour = oldest;
    }
    if (this.oldestDay < day) {
      let oldest = Infinity;
      this.days.forEach((entry, k) => {
        if (entry.day < day) {
          this.days.delete(k);
          this.evictedDays.add(entry.day);
          if (entry.day === this.openedUpTo.day) this.dayRows = undefined;
        } else oldest = Math.min(oldest, entry.day);
      });
      this.oldestDay = oldest;
    }
  }

  private hourEntry(probe: number, hour: number): { block: HourBlock; countedTo: number } {
    const k = key(probe, hour);
    this.dirtyHours.add(k);
    let entry = this.hours.get(k);
    if (!entry) {
      const row = this.mayBeOnDisk(probe, hour, 'hour') ? this.hourRow(probe, hour) : undefined;
      entry = { probe, hour, block: row ? decodeOrFresh(row.minutes) : new HourBlock(), countedTo: row?.counted_to ?? 0 };
      this.hours.set(k, entry);
      this.oldestHour = Math.min(this.oldestHour, hour);
    }
    return entry;
  }

  /** a row of the newest hour at open comes from the one read of them all, until that hour was evicted (then rewritten) */
  private hourRow(probe: number, hour: number): HourRow | undefined {
    if (hour !== this.openedUpTo.hour || this.evictedHours.has(hour)) return this.sql.loadHour.get(hour, probe) as HourRow | undefined;
    this.hourRows ??= new Map((this.sql.hourRows.all(hour) as (HourRow & { probe: number })[]).map((r) => [r.probe, r]));
    return takeFrom(this.hourRows, probe);
  }

  private dayRow(probe: number, day: number): DayRow | undefined {
    if (day !== this.openedUpTo.day || this.evictedDays.has(day)) return this.sql.loadDay.get(day, probe) as DayRow | undefined;
    this.dayRows ??= new Map((this.sql.dayRows.all(day) as (DayRow & { probe: number })[]).map((r) => [r.probe, r]));
    return takeFrom(this.dayRows, probe);
  }

  private mayBeOnDisk(probe: number, period: number, unit: 'hour' | 'day'): boolean {
    if (probe <= this.openedUpTo.id && period <= this.openedUpTo[unit]) return true;
    return (unit === 'hour' ? this.evictedHours : this.evictedDays).has(period);
  }

  private dayEntry(probe: number, day: number): { total: Aggregate; countedTo: number } {
    const k = key(probe, day);
    this.dirtyDays.add(k);
    let entry = this.days.get(k);
    if (!entry) {
      const row = this.mayBeOnDisk(probe, day, 'day') ? this.dayRow(probe, day) : undefined;
      entry = { probe, day, total: row ? Aggregate.fromRow(row) : new Aggregate(), countedTo: row?.counted_to ?? 0 };
      this.days.set(k, entry);
      this.oldestDay = Math.min(this.oldestDay, day);
    }
    return entry;
  }
}

type HourRow = { minutes: Uint8Array; counted_to: number };
type DayRow = { count: number; failures: number; ok_sum_ms: number; latency: Uint8Array; counted_to: number };

/** each prefetched row is taken once: from then on the writer's memory holds it */
function takeFrom<T>(rows: Map<number, T>, probe: number): T | undefined {
  const row = rows.get(probe);
  rows.delete(probe);
  return row;
}

/** a row this build cannot read is rewritten from what arrives now, rather than failing every result of its hour */
function decodeOrFresh(bytes: Uint8Array): HourBlock {
  try {
    return HourBlock.decode(bytes);
  } catch {
    return new HourBlock();
  }
}
