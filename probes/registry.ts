/**
 * One list of probe kinds. Adding a kind is one folder in probes/ and one line here. Kinds whose clients are heavy
 * (the Kubernetes client alone costs tens of MB) load on first run, so a daemon that never probes a cluster never
 * pays for one; their params schemas are light and check plans up front.
 */
import type { ZodType, ZodTypeDef } from 'zod';
import { httpProbe } from './http/index.js';
import { kubernetesProbe } from './kubernetes/index.js';
import { externalParams } from './external/params.js';
import { loadParams } from './load/params.js';
import { postgresParams } from './postgres/params.js';
import { prometheusParams } from './prometheus/params.js';
import { registered, type ProbeKind, type RegisteredKind } from './types.js';

function lazy<P>(name: string, params: ZodType<P, ZodTypeDef, unknown>, load: () => Promise<ProbeKind<P>>): ProbeKind<P> {
  let loading: Promise<ProbeKind<P>> | undefined;
  return {
    name,
    params,
    run: async (checked, ctx) => (await (loading ??= load())).run(checked, ctx),
    load: async () => void (await (loading ??= load()).catch(() => undefined)),
  };
}

export class ProbeRegistry {
  private readonly kinds = new Map<string, RegisteredKind>();

  constructor(kinds: readonly RegisteredKind[] = []) {
    for (const kind of kinds) this.add(kind);
  }

  /** Registers a kind; a second kind under a taken name is a programming error. */
  register<P>(kind: ProbeKind<P>): this {
    return this.add(registered(kind));
  }

  get(name: string): RegisteredKind | undefined {
    return this.kinds.get(name);
  }

  names(): string[] {
    return [...this.kinds.keys()];
  }

  private add(kind: RegisteredKind): this {
    if (this.kinds.has(kind.name)) throw new Error(`probe kind "${kind.name}" is registered twice`);
    this.kinds.set(kind.name, kind);
    return this;
  }
}

/** Every kind this build ships. Tests may register a kind of their own here, the same way. */
export const PROBE_KINDS = new ProbeRegistry()
  .register(httpProbe)
  .register(lazy('load', loadParams, async () => (await import('./load/index.js')).loadProbe))
  .register(lazy('postgres', postgresParams, async () => (await import('./postgres/index.js')).postgresProbe))
  .register(kubernetesProbe)
  .register(lazy('external', externalParams, async () => (await import('./external/index.js')).externalProbe))
  .register(lazy('prometheus', prometheusParams, async () => (await import('./prometheus/index.js')).prometheusProbe));

/** Kind-specific planning that scenarios need before any probe runs. */
export { planLoad } from './load/plan.js';
export type { LoadOverrides } from './load/params.js';
