/**
 * One list of probe kinds. Adding a kind is one folder in probes/ and one line here; a kind with settings brings its
 * config section with it, and the config schema is assembled from the sections registered here. Kinds whose clients
 * are heavy (the Kubernetes client alone costs tens of MB) load on first run, so a daemon that never probes a cluster
 * never pays for one; their params and settings schemas are light and check plans and config files up front.
 */
import type { z, ZodDefault, ZodType, ZodTypeAny, ZodTypeDef } from 'zod';
import { httpProbe } from './http/index.js';
import { kubernetesProbe } from './kubernetes/index.js';
import { externalParams } from './external/params.js';
import { externalSettings } from './external/settings.js';
import { loadParams } from './load/params.js';
import { loadSettings } from './load/settings.js';
import { postgresParams } from './postgres/params.js';
import { databaseSettings } from './postgres/settings.js';
import { prometheusParams } from './prometheus/params.js';
import { prometheusSettings } from './prometheus/settings.js';
import type { DeepReadonly } from '../src/model/settings/readonly.js';
import { registered, type KindWithSettings, type ProbeKind, type RegisteredKind, type SettingsSection } from './types.js';

function lazy<P, K extends string, T extends ZodTypeAny>(
  name: string,
  params: ZodType<P, ZodTypeDef, unknown>,
  settings: SettingsSection<K, T>,
  load: () => Promise<ProbeKind<P, DeepReadonly<z.output<T>>>>,
): KindWithSettings<P, K, T> {
  let loading: Promise<ProbeKind<P, DeepReadonly<z.output<T>>>> | undefined;
  return {
    name,
    params,
    settings,
    run: async (checked, ctx) => (await (loading ??= load())).run(checked, ctx),
    load: async () => void (await (loading ??= load()).catch(() => undefined)),
  };
}

/** The config schema's shape contributed by kinds: each section key → its schema, defaulted when a file omits it. */
export type SectionsShape = Record<string, ZodTypeAny>;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an empty registry contributes no section
export class ProbeRegistry<Shape extends SectionsShape = {}> {
  private readonly kinds = new Map<string, RegisteredKind>();

  constructor(kinds: readonly RegisteredKind[] = []) {
    for (const kind of kinds) this.add(kind);
  }

  /** Registers a kind; a second kind under a taken name, or a second section under a taken key, is a programming error. */
  register<P, K extends string, T extends ZodTypeAny>(kind: KindWithSettings<P, K, T>): ProbeRegistry<Shape & { [key in K]: ZodDefault<T> }>;
  register<P, S>(kind: ProbeKind<P, S>): this;
  register<P, S>(kind: ProbeKind<P, S>): ProbeRegistry<Shape> {
    return this.add(registered(kind));
  }

  /** Every registered kind's config section, in registration order (the order of the keys in the config). */
  sections(): SettingsSection[] {
    return [...this.kinds.values()].flatMap((kind) => (kind.settings ? [kind.settings] : []));
  }

  /** The config schema's part that the kinds bring: each section defaulted as its kind says. */
  configShape(): Shape {
    const shape: SectionsShape = {};
    for (const section of this.sections()) shape[section.key] = section.schema.default(section.defaults);
    return shape as Shape;
  }

  get(name: string): RegisteredKind | undefined {
    return this.kinds.get(name);
  }

  names(): string[] {
    return [...this.kinds.keys()];
  }

  private add(kind: RegisteredKind): this {
    if (this.kinds.has(kind.name)) throw new Error(`probe kind "${kind.name}" is registered twice`);
    const key = kind.settings?.key;
    if (key !== undefined && this.sections().some((section) => section.key === key)) throw new Error(`config section "${key}" is registered twice`);
    this.kinds.set(kind.name, kind);
    return this;
  }
}

/** Every kind this build ships. Tests may register a kind of their own here, the same way. */
export const PROBE_KINDS = new ProbeRegistry()
  .register(kubernetesProbe)
  .register(httpProbe)
  .register(lazy('load', loadParams, loadSettings, async () => (await import('./load/index.js')).loadProbe))
  .register(lazy('postgres', postgresParams, databaseSettings, async () => (await import('./postgres/index.js')).postgresProbe))
  .register(lazy('external', externalParams, externalSettings, async () => (await import('./external/index.js')).externalProbe))
  .register(lazy('prometheus', prometheusParams, prometheusSettings, async () => (await import('./prometheus/index.js')).prometheusProbe));

/** Kind-specific planning that scenarios need before any probe runs. */
export { planLoad } from './load/plan.js';
export type { LoadOverrides } from './load/params.js';
