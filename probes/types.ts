/**
 * The probe contract. A kind is one object: its name, a zod schema for its params (checked when a plan is built, or
 * before the run of params no plan checked, so `run` receives typed params), and `run(params, ctx)`. A probe returns an outcome; a
 * failed probe is a result, not an exception.
 */
import type { Logger } from 'pino';
import type { z, ZodType, ZodTypeAny, ZodTypeDef } from 'zod';
import type { DeepReadonly } from '../src/model/settings/readonly.js';
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

/**
 * A config section a kind brings: its key in the config file, its schema, and what a file that omits it means. The
 * config schema is assembled from the registered kinds' sections, so the schema must live in a light module.
 */
export interface SettingsSection<K extends string = string, T extends ZodTypeAny = ZodTypeAny> {
  readonly key: K;
  readonly schema: T;
  readonly defaults: z.input<T>;
  /**
   * Defaults that come from the environment, layered under the config file: `${VAR:-fallback}` texts (interpolated
   * like the file's), computed from the section as the file wrote it (not yet validated) and the environment.
   */
  readonly environment?: (written: unknown, env: Readonly<Record<string, string | undefined>>) => Record<string, unknown>;
}

export function settingsSection<K extends string, T extends ZodTypeAny>(
  key: K,
  schema: T,
  defaults: z.input<T>,
  environment?: SettingsSection['environment'],
): SettingsSection<K, T> {
  return { key, schema, defaults, ...(environment ? { environment } : {}) };
}

interface ContextBase {
  /** aborted on timeout or shutdown; every await inside a probe must honour it */
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  /** the API under test (the config's `target`): several kinds aim at it */
  readonly target: string;
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

/** A kind that brings a config section, its key and schema kept in the type so the config schema stays typed. */
export type KindWithSettings<P, K extends string, T extends ZodTypeAny> = Omit<ProbeKind<P, DeepReadonly<z.output<T>>>, 'settings'> & {
  readonly settings: SettingsSection<K, T>;
};

/** What a kind's `run` sees: the shared context and its own config section, validated (`undefined` without one). */
export interface ProbeContext<S = unknown> extends ContextBase {
  readonly settings: S;
}

/** What the runner hands every kind: the validated configuration by section key; each kind is given its own. */
export interface RunContext extends ContextBase {
  readonly sections: Readonly<Record<string, unknown>>;
}

export interface ProbeKind<P = unknown, S = unknown> {
  readonly name: string;
  readonly params: ZodType<P, ZodTypeDef, unknown>;
  /** the kind's config section, when it has settings */
  readonly settings?: SettingsSection;
  run(params: P, ctx: ProbeContext<S>): Promise<ProbeOutcome>;
  /** Loads the kind's code ahead of its first run; resolves also when loading failed (the run then reports it). */
  load?(): Promise<void>;
}

/** A kind with its params type sealed in: what the registry holds and the runner calls. */
export interface RegisteredKind {
  readonly name: string;
  readonly settings?: SettingsSection;
  /** null when the params are valid (they are then run as checked, not parsed again), else a message saying what is wrong */
  check(params: unknown): string | null;
  run(params: unknown, ctx: RunContext): Promise<ProbeOutcome>;
  load?(): Promise<void>;
}

function issuesOf(name: string, error: { issues: readonly { path: readonly (string | number)[]; message: string }[] }): string {
  return error.issues.map((i) => `${name} params${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`).join('; ');
}

/** Validates `params` against the kind's schema and runs it; invalid params are a config error outcome. */
export async function runProbe<P, S>(kind: ProbeKind<P, S>, params: unknown, ctx: RunContext): Promise<ProbeOutcome> {
  const parsed = kind.params.safeParse(params);
  if (!parsed.success) return { status: 'error', error: { code: 'RP_ERR_CONFIG_INVALID', message: issuesOf(kind.name, parsed.error) } };
  return runValid(kind, parsed.data, ctx);
}

function runValid<P, S>(kind: ProbeKind<P, S>, params: P, ctx: RunContext): Promise<ProbeOutcome> {
  const { sections, ...shared } = ctx;
  return kind.run(params, { ...shared, settings: settingsOf(kind, sections) });
}

/**
 * The kind's section of a configuration that was validated by a schema holding that very section (see
 * src/config/schema.ts), hence the one cast; a configuration built before the kind registered gets its defaults.
 */
function settingsOf<P, S>(kind: ProbeKind<P, S>, sections: Readonly<Record<string, unknown>>): S {
  const section = kind.settings;
  if (!section) return undefined as S;
  return Object.hasOwn(sections, section.key) ? (sections[section.key] as S) : (section.schema.parse(section.defaults) as S);
}

/**
 * The kind behind one sealed interface. Params a plan checked are remembered by identity with what their schema made
 * of them: the daemon runs the same specs every cycle, and parsing them again on each run cost measurable CPU at
 * thousands of endpoints. Checked params are therefore frozen: a plan's specs are replaced, not changed; params no plan checked (a
 * spec built by hand, the blackbox endpoint's) are parsed before their run.
 */
export function registered<P, S>(kind: ProbeKind<P, S>): RegisteredKind {
  const checked = new WeakMap<object, P>();
  return {
    name: kind.name,
    ...(kind.settings ? { settings: kind.settings } : {}),
    check: (params) => {
      const parsed = kind.params.safeParse(params);
      if (!parsed.success) return issuesOf(kind.name, parsed.error);
      // frozen: a change after the check would otherwise run stale params without a word
      if (typeof params === 'object' && params !== null) checked.set(Object.freeze(params), parsed.data);
      return null;
    },
    run: (params, ctx) =>
      typeof params === 'object' && params !== null && checked.has(params)
        ? runValid(kind, checked.get(params) as P, ctx)
        : runProbe(kind, params, ctx),
    ...(kind.load ? { load: () => kind.load!() } : {}),
  };
}

export function skipped(reason: string, metrics: MetricRecord = {}): ProbeOutcome {
  return { status: 'skipped', reason, metrics };
}
