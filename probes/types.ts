/** The one probe signature. A probe returns an outcome; a failed probe is a result, not an exception. */
import type { Logger } from 'pino';
import type { Config } from '../src/config/schema.js';
import type { MetricRecord, MetricSample, ProbeResult } from '../src/model/types.js';
import type { HttpResources } from '../src/clients/http-agent.js';

export type { MetricSample };

export interface ProbeSpec<P = unknown> {
  /** unique within a run; becomes the `probe` metric label, so keep it bounded */
  name: string;
  kind: string;
  params: P;
  /** overrides the run's default timeout for this probe */
  timeoutMs?: number;
  /**
   * 'run': the probe judges what changed while the other probes of the run worked. It runs once before they start
   * (a baseline the kind keeps in its memory; that result is dropped) and once after they have all ended.
   */
  window?: 'run';
}

/** What a probe returns: a result without the parts the runner owns (name, kind, timing). */
export type ProbeOutcome = Omit<ProbeResult, 'name' | 'kind' | 'durationMs' | 'metrics'> & { metrics?: MetricRecord };

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
