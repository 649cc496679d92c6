/**
 * Pruning and compaction in small steps, each its own short transaction: raw results past their retention a few
 * thousand at a time, aggregates one hour or day at a time, then the freed pages handed back (incremental vacuum)
 * and the WAL checkpointed. The store runs one step per turn of the event loop, so probes keep running meanwhile.
 */
import type { DatabaseSync } from 'node:sqlite';
import { DAY_MS, HOUR_MS, MINUTE_MS, type Retention } from './types.js';

const RAW_BATCH = 5_000;
const VACUUM_PAGES = 1_000;

/** one step of work; returns false when there was nothing left to do */
export type Step = () => boolean;

export function pruningSteps(db: DatabaseSync, retention: Retention, now: number): Step[] {
  const rawCutoff = now - retention.rawMs;
  // aggregates are kept by whole days, so the oldest bucket of the longest range is never cut in half
  const dayCutoff = Math.floor((now - retention.aggregatesMs) / DAY_MS);
  const oldestResult = db.prepare('SELECT rowid AS id, t FROM results ORDER BY rowid LIMIT 1');
  const deleteResults = db.prepare('DELETE FROM results WHERE rowid < ? AND t < ?');
  const oldestHour = db.prepare('SELECT min(hour) AS hour FROM hours');
  const deleteHour = db.prepare('DELETE FROM hours WHERE hour = ?');
  const oldestDay = db.prepare('SELECT min(day) AS day FROM days');
  const deleteDay = db.prepare('DELETE FROM days WHERE day = ?');
  const deleteSeverity = db.prepare('DELETE FROM severity WHERE minute < ?');
  return [
    // results arrive in time order, so rowid order is time order: the oldest rows are the first rowids
    () => {
      const first = oldestResult.get() as { id: number; t: number } | undefined;
      if (!first || first.t >= rawCutoff) return false;
      deleteResults.run(first.id + RAW_BATCH, rawCutoff);
      return true;
    },
    () => {
      const { hour } = oldestHour.get() as { hour: number | null };
      if (hour === null || hour >= (dayCutoff * DAY_MS) / HOUR_MS) return false;
      deleteHour.run(hour);
      return true;
    },
    () => {
      const { day } = oldestDay.get() as { day: number | null };
      if (day === null || day >= dayCutoff) return false;
      deleteDay.run(day);
      return true;
    },
    () => {
      deleteSeverity.run((dayCutoff * DAY_MS) / MINUTE_MS);
      return false;
    },
    () => {
      const { freelist_count: free } = db.prepare('PRAGMA freelist_count').get() as { freelist_count: number };
      if (free === 0) return false;
      db.prepare(`PRAGMA incremental_vacuum(${VACUUM_PAGES})`).all();
      return free > VACUUM_PAGES;
    },
    () => {
      db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').all();
      return false;
    },
  ];
}
