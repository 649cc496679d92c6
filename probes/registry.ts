/**
 * One map of probe kinds. Adding a kind is one file in probes/ and one line here. Kinds whose clients are heavy
 * (the Kubernetes client alone costs tens of MB) load on first use, so a daemon that never probes a cluster never
 * pays for one.
 */
import { httpProbe } from './http/index.js';
import type { ProbeKind } from './types.js';

function lazy(kind: string, load: () => Promise<ProbeKind>): ProbeKind {
  let loading: Promise<ProbeKind> | undefined;
  return {
    kind,
    run: async (spec, ctx) => (await (loading ??= load())).run(spec, ctx),
    load: async () => void (await (loading ??= load()).catch(() => undefined)),
  };
}

export const PROBE_KINDS: ReadonlyMap<string, ProbeKind> = new Map<string, ProbeKind>([
  ['http', httpProbe as ProbeKind],
  ['load', lazy('load', async () => (await import('./load/index.js')).loadProbe as ProbeKind)],
  ['postgres', lazy('postgres', async () => (await import('./postgres/index.js')).postgresProbe as ProbeKind)],
  ['kubernetes', lazy('kubernetes', async () => (await import('./kubernetes/index.js')).kubernetesProbe as ProbeKind)],
  ['external', lazy('external', async () => (await import('./external/index.js')).externalProbe as ProbeKind)],
  ['prometheus', lazy('prometheus', async () => (await import('./prometheus/index.js')).prometheusProbe as ProbeKind)],
]);
