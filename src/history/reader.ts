/** The read path: per-probe and all-probe totals by hour and by day, and the worst severity per bucket. */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Aggregate } from './aggregate.js';
import { SERVICE_ID } from './database.js';
import { MINUTE_MS, STATUSES, type HistorySample } from './types.js';

export interface ProbeRecord {
  id: number;
  name: string;
  kind: string;
}

/** an hour's or a day's totals: counts in columns, the latency distribution in a small blob */
interface TotalsRow {
  count: number;
  failures: number;
  ok_sum_ms: number;
  latency: Uint8Array;
}

export class HistoryReader {
  private readonly sql: Record<
    'probes' | 'hours' | 'allHours' | 'days' | 'dayCounts' | 'severity' | 'results' | 'resultsSpan' | 'resultAtOrAfter',
    StatementSync
  >;

  constructor(db: DatabaseSync) {
    this.sql = {
      probes: db.prepare(`SELECT id, name, kind FROM probes WHERE id <> ${SERVICE_ID} ORDER BY name`),
      hours: db.prepare('SELECT hour, count, failures, ok_sum_ms, latency FROM hours WHERE hour BETWEEN ? AND ? AND probe = ?'),
      allHours: db.prepare('SELECT probe, count, failures, ok_sum_ms, latency FROM hours WHERE hour BETWEEN ? AND ?'),
      days: db.prepare('SELECT day, probe, count, failures, ok_sum_ms, latency FROM days WHERE day BETWEEN ? AND ? AND probe = ?'),
      dayCounts: db.prepare(
        `SELECT probe, ${[0, 1, 2].map((at) => `total(count) FILTER (WHERE day >= ?${at + 1}) AS c${at}`).join(', ')},
        ${[0, 1, 2].map((at) => `total(failures) FILTER (WHERE day >= ?${at + 1}) AS f${at}`).join(', ')}
        FROM days WHERE day BETWEEN ?4 AND ?5 GROUP BY probe`,
      ),
      severity: db.prepare('SELECT minute, worst FROM severity WHERE minute BETWEEN ? AND ?'),
      results: db.prepare('SELECT t, status, duration_ms, code FROM results WHERE rowid >= ? AND probe = ? AND t >= ? ORDER BY rowid DESC LIMIT ?'),
      // two subqueries: SQLite reads a lone min() or max() off the end of the table, both in one SELECT by a full scan
      resultsSpan: db.prepare('SELECT (SELECT min(rowid) FROM results) AS first, (SELECT max(rowid) FROM results) AS last'),
      resultAtOrAfter: db.prepare('SELECT rowid AS seq, t FROM results WHERE rowid >= ? ORDER BY rowid LIMIT 1'),
    };
  }

  probes(): ProbeRecord[] {
    return this.sql.probes.all() as unknown as ProbeRecord[];
  }

  /** hour → that hour's total (every minute merged), for hours in [from, to] */
  hourTotals(probe: number, from: number, to: number): Map<number, Aggregate> {
    const rows = this.sql.hours.all(from, to, probe) as unknown as (TotalsRow & { hour: number })[];
    return new Map(rows.map((row) => [row.hour, Aggregate.fromRow(row)]));
  }

  /** probe id → its total over hours [from, to], every probe at once */
  allHourTotals(from: number, to: number): Map<number, Aggregate> {
    const totals = new Map<number, Aggregate>();
    for (const row of this.sql.allHours.iterate(from, to) as Iterable<TotalsRow & { probe: number }>) {
      const total = totals.get(row.probe);
      if (total) total.merge(Aggregate.fromRow(row));
      else totals.set(row.probe, Aggregate.fromRow(row));
    }
    return totals;
  }

  /** day → that day's total, for days in [from, to] */
  dayTotals(probe: number, from: number, to: number): Map<number, Aggregate> {
    const rows = this.sql.days.all(from, to, probe) as unknown as (TotalsRow & { day: number })[];
    return new Map(rows.map((row) => [row.day, Aggregate.fromRow(row)]));
  }

  /**
   * probe id → count and failures from each of `starts` (days) to `to`, every probe at once: one scan of the day
   * rows, summed by SQLite, no distribution decoded (the 7d, 30d and 90d uptime of a thousand probes in one read)
   */
  dayCounts(starts: readonly [number, number, number], to: number): Map<number, { count: number; failures: number }[]> {
    const rows = this.sql.dayCounts.all(...starts, Math.min(...starts), to) as { probe: number; [sum: string]: number }[];
    return new Map(rows.map((row) => [row.probe, [0, 1, 2].map((at) => ({ count: row[`c${at}`] ?? 0, failures: row[`f${at}`] ?? 0 }))]));
  }

  /** bucket start (epoch ms) → worst severity rank of the evaluations in it, for minutes [fromMs, toMs) */
  worstBy(fromMs: number, toMs: number, bucketMs: number): Map<number, number> {
    const rows = this.sql.severity.all(Math.floor(fromMs / MINUTE_MS), Math.ceil(toMs / MINUTE_MS) - 1) as { minute: number; worst: number }[];
    const worst = new Map<number, number>();
    for (const { minute, worst: rank } of rows) {
      const bucket = fromMs + Math.floor((minute * MINUTE_MS - fromMs) / bucketMs) * bucketMs;
      worst.set(bucket, Math.max(rank, worst.get(bucket) ?? 0));
    }
    return worst;
  }

  /** the probe's raw results since `since`, newest first: a walk back over every probe's results since then */
  results(probe: ProbeRecord, since: number, limit: number): HistorySample[] {
    const rows = this.sql.results.all(this.firstSince(since), probe.id, since, limit) as {
      t: number;
      status: number;
      duration_ms: number;
      code: string | null;
    }[];
    return rows.map((row) => ({
      probe: probe.name,
      kind: probe.kind,
      t: row.t,
      status: STATUSES[row.status] ?? 'error',
      durationMs: row.duration_ms,
      ...(row.code ? { code: row.code } : {}),
    }));
  }

  /** the first rowid at `since` or later, by bisection: results are in time order by rowid, which has gaps */
  private firstSince(since: number): number {
    const { first, last } = this.sql.resultsSpan.get() as { first: number | null; last: number | null };
    if (first === null || last === null) return 0;
    let [low, high] = [first, last + 1];
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      // there is one: middle <= last
      const next = this.sql.resultAtOrAfter.get(middle) as { seq: number; t: number };
      if (next.t >= since) high = middle;
      else low = next.seq + 1;
    }
    return low;
  }
}
