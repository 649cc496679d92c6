/** The one probe signature. A probe returns an outcome; a failed probe is a result, not an exception. */
import type { Logger } from 'pino';
import type { Config } from '../src/config/schema.js';
import type { ErrorInfo } from '../src/errors.js';
import type { Finding, LatencySummary, MetricRecord, MetricSample, ProbeStatus } from '../src/types.js';

export type { MetricSample };
import type { HttpResources } from './http/dispatcher.js';

export interface ProbeSpec<P = unknown> {
  /** unique within a run; becomes the `probe` metric label, so keep it bounded */
  name: string;
  kind: string;
  params: P;
  /** overrides the run's default timeout for this probe */
  timeoutMs?: number;
}

export interface ProbeOutcome {
  status: ProbeStatus;
  metrics?: MetricRecord;
  error?: ErrorInfo;
  reason?: string;
  findings?: Finding[];
  details?: MetricRecord;
  latency?: LatencySummary;
  /** kind-specific gauges for /metrics (e.g. probe_db_up); the daemon adds the `probe` label. Labels must stay bounded. */
  series?: MetricSample[];
}

export interface ProgressEvent {
  done: number;
  total: number | null;
  elapsedMs: number;
  errors: number;
}

/** State a probe keeps between runs of the same spec in the daemon (e.g. pg_stat_statements deltas). */
export type ProbeMemory = Map<string, unknown>;

export interface ProbeContext {
  /** aborted on timeout or shutdown; every await inside a probe must honour it */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly config: Config;
  readonly log: Logger;
  readonly http: HttpResources;
  readonly memory: ProbeMemory;
  /** removes every configured secret from a text before it leaves the probe */
  readonly redact: (text: string) => string;
  /** long probes (load) report progress here; the CLI draws a bar on a TTY, everyone else ignores it */
  readonly progress?: (event: ProgressEvent) => void;
}

export interface ProbeKind<P = unknown> {
  readonly kind: string;
  run(spec: ProbeSpec<P>, ctx: ProbeContext): Promise<ProbeOutcome>;
}

export function skipped(reason: string, metrics: MetricRecord = {}): ProbeOutcome {
  return { status: 'skipped', reason, metrics };
}
