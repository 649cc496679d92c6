/** The shapes every layer shares: probe results, findings, the JSON report. Stable: add fields, never rename. */
import type { ErrorInfo } from './errors.js';
import type { ProbeData } from './results.js';
import type { FindingConfidence } from './confidence.js';
import type { LatencySummary, MetricRecord } from './measures.js';
import type { MergeInfo, ShardReport } from './shard.js';

export type { LatencySummary, MetricRecord, MetricValue } from './measures.js';
export type { ConfidenceLevel, FindingConfidence } from './confidence.js';

export type ProbeStatus = 'pass' | 'fail' | 'skipped' | 'error';
export type Severity = 'P0' | 'P1' | 'P2' | 'P3';
/** an incident's lifecycle state; shared by incidents and the notifications about them */
export type IncidentStatus = 'INVESTIGATING' | 'IDENTIFIED' | 'MONITORING' | 'RESOLVED';
export const SEVERITIES: readonly Severity[] = ['P0', 'P1', 'P2', 'P3'];

export interface Finding {
  cause: string;
  severity: Severity;
  summary: string;
  evidence: string[];
  runbook: string;
  actions: string[];
  /** how sure the verdict is, and the counts it rests on; absent where a probe established a fact directly */
  confidence?: FindingConfidence;
  /**
   * Set on a dependency cause when the service's own failing endpoints single that dependency out (diagnosis
   * correlation). A dependency finding without it comes from the dependency's own check alone: a notice, not a page.
   */
  correlated?: boolean;
}

export interface ProbeResult {
  name: string;
  kind: string;
  status: ProbeStatus;
  durationMs: number;
  metrics: MetricRecord;
  error?: ErrorInfo;
  /** why a probe was skipped, or failed without an error (its findings' summaries) */
  reason?: string;
  /** findings the probe itself could establish (cause-level evidence); diagnosis merges them */
  findings?: Finding[];
  /** per-kind structured details (top statements, pods, ...) shown in reports, never used as metric labels */
  details?: MetricRecord;
  /** the load probe's latency block; the report lifts it to the top-level `latency` */
  latency?: LatencySummary;
  /** kind-specific gauges for /metrics; not part of the JSON report */
  series?: MetricSample[];
  /** what the probe established, typed per kind: what every other layer reads; not part of the JSON report */
  data?: ProbeData;
}

/** A probe's most recent result as the daemon keeps it. */
export interface LatestResult {
  result: ProbeResult;
  finishedAt: number;
  /** the probe's own schedule, to tell a stale result from a slow cadence (cron probes: undefined) */
  everyMs?: number;
}

export interface MetricSample {
  /** `probe_` prefixed, Prometheus naming rules */
  name: string;
  help: string;
  value: number;
  labels?: Record<string, string>;
}

export interface ThresholdResult {
  expr: string;
  ok: boolean;
  actual: number | null;
  reason?: string;
}

export interface RunReport {
  scenario: string;
  target: string;
  startedAt: string;
  durationMs: number;
  passed: boolean;
  severity: Severity | null;
  probes: ProbeResult[];
  latency?: LatencySummary;
  findings: Finding[];
  thresholds: ThresholdResult[];
  /** set when this run is one shard of a sharded load run (`--shard I/N`) */
  shard?: ShardReport;
  /** set on the merge of a sharded load run's shards */
  merge?: MergeInfo;
}
