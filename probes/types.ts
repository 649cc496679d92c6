/**
 * The probe contract. A kind is one object: its name, a zod schema for its params (checked when a plan is built and
 * again before each run, so `run` receives typed params), and `run(params, ctx)`. A probe returns an outcome; a
 * failed probe is a result, not an exception.
 */
import type { Logger } from 'pino';
import type { ZodType, ZodTypeDef } from 'zod';
import type { Config } from '../src/config/schema.js';
import type { MetricRecord, MetricSample, ProbeResult } from '../src/model/types.js';
import type { HttpResources } from '../src/clients/http-agent.js';
import type { FindingBuilder } from '../src/runbook/finding.js';

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
  /** raises a runbook finding, its commands filled in with the run's namespace, deployment, selector… */
  readonly raise: FindingBuilder;
  readonly log: Logger;
  readonly http: HttpResources;
  readonly memory: ProbeMemory;
  /** removes every configured secret from a text before it leaves the probe */
  readonly redact: (text: string) => string;
  /** long probes (load) report progress here; the CLI draws a bar on a TTY, everyone else ignores it */
  readonly progress?: (event: ProgressEvent) => void;
}

export interface ProbeKind<P = unknown> {
  readonly name: string;
  readonly params: ZodType<P, ZodTypeDef, unknown>;
  run(params: P, ctx: ProbeContext): Promise<ProbeOutcome>;
  /** Loads the kind's code ahead of its first run; resolves also when loading failed (the run then reports it). */
  load?(): Promise<void>;
}

/** A kind with its params type sealed in: what the registry holds and the runner calls. */
export interface RegisteredKind {
  readonly name: string;
  /** null when the params are valid, else a message saying what is wrong */
  check(params: unknown): string | null;
  run(params: unknown, ctx: ProbeContext): Promise<ProbeOutcome>;
  load?(): Promise<void>;
}

function issuesOf(name: string, error: { issues: readonly { path: readonly (string | number)[]; message: string }[] }): string {
  return error.issues.map((i) => `${name} params${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('; ');
}

/** Validates `params` against the kind's schema and runs it; invalid params are a config error outcome. */
export async function runProbe<P>(kind: ProbeKind<P>, params: unknown, ctx: ProbeContext): Promise<ProbeOutcome> {
  const parsed = kind.params.safeParse(params);
  if (!parsed.success) return { status: 'error', error: { code: 'RP_ERR_CONFIG_INVALID', message: issuesOf(kind.name, parsed.error) } };
  return kind.run(parsed.data, ctx);
}

export function registered<P>(kind: ProbeKind<P>): RegisteredKind {
  return {
    name: kind.name,
    check: (params) => {
      const parsed = kind.params.safeParse(params);
      return parsed.success ? null : issuesOf(kind.name, parsed.error);
    },
    run: (params, ctx) => runProbe(kind, params, ctx),
    ...(kind.load ? { load: () => kind.load!() } : {}),
  };
}

export function skipped(reason: string, metrics: MetricRecord = {}): ProbeOutcome {
  return { status: 'skipped', reason, metrics };
}
