/** `kubectl top pods`: usage from metrics.k8s.io against each container's limits. Absent metrics-server is normal. */
import type { ErrorInfo } from '../../src/model/errors.js';
import { call, type KubeApis } from '../../src/clients/kubernetes/api.js';
import type { PodFacts } from './pods.js';

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Parses a Kubernetes quantity (`250m`, `1.5`, `128974848`, `129e6`, `123Mi`, `100n`) to a plain number. */
export function parseQuantity(text: string | undefined): number | null {
  if (!text) return null;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(text.trim());
  if (!m) return null;
  const suffix = m[2] ?? '';
  const factor = BINARY[suffix] ?? DECIMAL[suffix];
  if (factor === undefined) return null;
  return Number(m[1]) * factor;
}

export interface ContainerUsage {
  pod: string;
  container: string;
  cpuCores: number | null;
  memoryBytes: number | null;
  cpuRatio: number | null;
  memoryRatio: number | null;
}

export interface UsageFacts {
  available: boolean;
  note: string | null;
  containers: ContainerUsage[];
  cpuRatioMax: number | null;
  memoryRatioMax: number | null;
  error: ErrorInfo | null;
}

interface PodMetricsItem {
  metadata?: { name?: string };
  containers?: { name?: string; usage?: { cpu?: string; memory?: string } }[];
}

function itemsOf(body: unknown): PodMetricsItem[] {
  const items = (body as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? (items as PodMetricsItem[]) : [];
}

function maxOf(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length > 0 ? Math.max(...present) : null;
}

export async function readUsage(
  apis: KubeApis,
  namespace: string,
  selector: string,
  pods: readonly PodFacts[],
  signal: AbortSignal,
  timeoutMs: number,
): Promise<UsageFacts> {
  const result = await call(
    'list pod metrics (metrics.k8s.io)',
    signal,
    timeoutMs,
    (o) =>
      apis.custom.listNamespacedCustomObject(
        { group: 'metrics.k8s.io', version: 'v1beta1', namespace, plural: 'pods', labelSelector: selector },
        o,
      ) as Promise<unknown>,
  );
  if (!result.ok) {
    const missing = result.status === 404 || result.status === 503;
    const note = missing ? 'metrics.k8s.io is not served (no metrics-server)' : result.error.message;
    return { available: false, note, containers: [], cpuRatioMax: null, memoryRatioMax: null, error: missing ? null : result.error };
  }
  const limitsByPod = new Map(pods.map((p) => [p.name, p.limits]));
  const containers: ContainerUsage[] = [];
  for (const item of itemsOf(result.value)) {
    const pod = item.metadata?.name ?? '';
    for (const c of item.containers ?? []) {
      const limits = limitsByPod.get(pod)?.[c.name ?? ''];
      const cpuCores = parseQuantity(c.usage?.cpu);
      const memoryBytes = parseQuantity(c.usage?.memory);
      const cpuLimit = parseQuantity(limits?.cpu);
      const memoryLimit = parseQuantity(limits?.memory);
      containers.push({
        pod,
        container: c.name ?? '',
        cpuCores,
        memoryBytes,
        cpuRatio: cpuCores !== null && cpuLimit ? cpuCores / cpuLimit : null,
        memoryRatio: memoryBytes !== null && memoryLimit ? memoryBytes / memoryLimit : null,
      });
    }
  }
  return {
    available: true,
    note:
      containers.length === 0
        ? 'no pod metrics yet'
        : containers.some((c) => c.cpuRatio !== null)
          ? null
          : 'no CPU limits set: saturation cannot be judged',
    containers,
    cpuRatioMax: maxOf(containers.map((c) => c.cpuRatio)),
    memoryRatioMax: maxOf(containers.map((c) => c.memoryRatio)),
    error: null,
  };
}
