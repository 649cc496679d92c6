/** The database gauges for /metrics. Labels stay bounded: a state name or a rank, never a pid or query text. */
import type { MetricSample } from '../types.js';

const HELP = {
  probe_db_up: 'Whether the probe could connect to the database and run a query (1 = yes)',
  probe_db_connect_seconds: 'Time to open a database session (TCP, TLS, authentication)',
  probe_db_long_running_queries: 'Client queries active for longer than the long-query threshold',
  probe_db_longest_query_seconds: 'Age of the longest-running active client query',
  probe_db_connections: 'Client backends by state (pg_stat_activity)',
  probe_db_max_connections: 'The server max_connections setting',
  probe_db_statement_mean_seconds: 'Mean execution time of the top pg_stat_statements entries, by rank',
} as const;

export type DbSeriesName = keyof typeof HELP;

export function gauge(name: DbSeriesName, value: number, labels?: Record<string, string>): MetricSample {
  const sample: MetricSample = { name, help: HELP[name], value };
  if (labels) sample.labels = labels;
  return sample;
}

/** Every check connects, so every check reports whether the database is up and how long the session took to open. */
export function sessionSeries(up: boolean, connectMs: number | null): MetricSample[] {
  const series = [gauge('probe_db_up', up ? 1 : 0)];
  if (connectMs !== null) series.push(gauge('probe_db_connect_seconds', round(connectMs / 1000, 6)));
  return series;
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** `ALTER ROLE … PASSWORD '…'` shows verbatim in pg_stat_activity; the literal may be cut short by the server-side left(). */
const PASSWORD_LITERAL_RE = /(\bpassword\s+)'(?:[^']|'')*(?:'|$)/gi;

/** Collapses whitespace, hides password literals and cuts the text to `max` characters, marking the cut. */
export function truncateQuery(text: string | null, max: number): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim().replace(PASSWORD_LITERAL_RE, "$1'[REDACTED]'");
  return flat.length > max ? `${flat.slice(0, Math.max(1, max - 1))}…` : flat;
}
