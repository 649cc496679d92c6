/** The open-ended measurement shapes of the JSON report: metric records and the latency block. */

export type MetricValue = number | string | boolean | null | MetricRecord | MetricValue[];
export interface MetricRecord {
  [key: string]: MetricValue;
}

export interface LatencySummary {
  requests: number;
  errors: number;
  timeouts: number;
  errorRate: number;
  rps: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  avgMs?: number | null;
  [extra: string]: MetricValue | undefined;
}
