/**
 * The figures the status page and the badges show, from the store: uptime per range, and a series of buckets (one
 * per hour over 24 h, one per day over 7/30/90 d). Ranges are whole buckets ending with the current one, so a range's
 * uptime is exactly the sum of the history bar's cells, and every query reads a bounded number of rows.
 */
import { Aggregate, uptimePercent } from './aggregate.js';
import { SERVICE_ID } from './database.js';
import type { HistoryReader, ProbeRecord } from './reader.js';
import type { HistoryStore } from './store.js';
import { DAY_MS, HOUR_MS, WORST_NAME, type WorstName } from './types.js';
import type { ProbeStatus } from '../model/types.js';

export const RANGES = ['24h', '7d', '30d', '90d'] as const;
export type RangeName = (typeof RANGES)[number];

export const isRange = (text: string): text is RangeName => (RANGES as readonly string[]).includes(text);

export interface RangeWindow {
  bucketMs: number;
  /** index (hours or days since the epoch) of the first and last bucket; the last one holds `now` */
  first: number;
  last: number;
}

export function rangeWindow(range: RangeName, now: number): RangeWindow {
  const [bucketMs, buckets] = range === '24h' ? [HOUR_MS, 24] : [DAY_MS, Number(range.slice(0, -1))];
  const last = Math.floor(now / bucketMs);
  return { bucketMs, first: last - buckets + 1, last };
}

export interface HistoryPoint {
  t: string;
  count: number;
  failures: number;
  uptime: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  worst: WorstName | null;
}

/** bucket index → total of the probe (null: the service) over the window's buckets */
function bucketTotals(reader: HistoryReader, probe: ProbeRecord | null, { bucketMs, first, last }: RangeWindow): Map<number, Aggregate> {
  const id = probe?.id ?? SERVICE_ID;
  return bucketMs === HOUR_MS ? reader.hourTotals(id, first, last) : reader.dayTotals(id, first, last);
}

/** every bucket of the range, oldest first, empty ones included (one history-bar cell each) */
export function historyPoints(store: HistoryStore, probe: ProbeRecord | null, range: RangeName): HistoryPoint[] {
  const reader = store.read();
  const { bucketMs, first, last } = rangeWindow(range, store.now());
  const totals = bucketTotals(reader, probe, { bucketMs, first, last });
  const worst = reader.worstBy(first * bucketMs, (last + 1) * bucketMs, bucketMs);
  const points: HistoryPoint[] = [];
  for (let index = first; index <= last; index++) {
    const total = totals.get(index) ?? new Aggregate();
    const rank = worst.get(index * bucketMs);
    points.push({
      t: new Date(index * bucketMs).toISOString(),
      count: total.count,
      failures: total.failures,
      uptime: total.uptime(),
      p50Ms: total.latency.quantile(0.5),
      p95Ms: total.latency.quantile(0.95),
      worst: rank === undefined ? null : (WORST_NAME[rank] ?? null),
    });
  }
  return points;
}

/** one range's aggregate of one series, for a badge */
export function rangeTotal(store: HistoryStore, probe: ProbeRecord | null, range: RangeName): Aggregate {
  const totals = bucketTotals(store.read(), probe, rangeWindow(range, store.now()));
  const sum = new Aggregate();
  for (const total of totals.values()) sum.merge(total);
  return sum;
}

export type UptimeByRange = Record<RangeName, number | null>;

export interface ProbeUptime {
  probe: string;
  kind: string;
  current: ProbeStatus | null;
  uptime: UptimeByRange;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface UptimeSummary {
  overall: UptimeByRange;
  probes: ProbeUptime[];
}

/** uptime of every listed probe (and the service) over every range; p50/p95 over 24 h */
export function uptimeSummary(store: HistoryStore, listed: readonly { probe: string; kind: string; current: ProbeStatus | null }[]): UptimeSummary {
  const now = store.now();
  const reader = store.read();
  const day = rangeWindow('24h', now);
  const hours = reader.allHourTotals(day.first, day.last);
  const daily = ['7d', '30d', '90d'] as const;
  const [week, month, quarter] = daily.map((range) => rangeWindow(range, now));
  const counts = reader.dayCounts([week?.first ?? 0, month?.first ?? 0, quarter?.first ?? 0], day.last);
  const ids = new Map(reader.probes().map((p) => [p.name, p.id]));
  const uptimeOf = (id: number | undefined): UptimeByRange => {
    const over = (range: RangeName): number | null => {
      const c = id === undefined ? undefined : counts.get(id)?.[(daily as readonly RangeName[]).indexOf(range)];
      return c ? uptimePercent(c.count, c.failures) : null;
    };
    return { '24h': (id === undefined ? undefined : hours.get(id))?.uptime() ?? null, '7d': over('7d'), '30d': over('30d'), '90d': over('90d') };
  };
  return {
    overall: uptimeOf(SERVICE_ID),
    probes: listed.map(({ probe, kind, current }) => {
      const id = ids.get(probe);
      const latency = (id === undefined ? undefined : hours.get(id))?.latency;
      return { probe, kind, current, uptime: uptimeOf(id), p50Ms: latency?.quantile(0.5) ?? null, p95Ms: latency?.quantile(0.95) ?? null };
    }),
  };
}
