/**
 * `kubectl get endpoints <service>`: how many pod addresses the Service can send traffic to. EndpointSlices are the
 * current source of truth (Endpoints is deprecated but still served); the legacy object is the fallback.
 */
import type { V1EndpointSlice, V1Endpoints } from '@kubernetes/client-node';
import type { ErrorInfo } from '../../src/model/errors.js';
import { call, type KubeApis } from '../../src/clients/kubernetes/api.js';

export interface EndpointFacts {
  service: string;
  /** null: the Service's endpoints could not be read (missing Service, RBAC) */
  ready: number | null;
  notReady: number | null;
  source: 'EndpointSlice' | 'Endpoints' | null;
  /** why `ready` is null, for the report */
  note: string | null;
  errors: ErrorInfo[];
}

export function countSlices(slices: readonly V1EndpointSlice[]): { ready: number; notReady: number } {
  // Dual-stack services publish one slice per address family: count each backing pod once.
  const ready = new Set<string>();
  const notReady = new Set<string>();
  for (const slice of slices) {
    for (const endpoint of slice.endpoints ?? []) {
      const key = endpoint.targetRef?.uid ?? endpoint.targetRef?.name ?? endpoint.addresses.join(',');
      // A missing `ready` condition means ready (API contract): only an explicit false is not ready.
      if (endpoint.conditions?.ready === false) notReady.add(key);
      else ready.add(key);
    }
  }
  for (const key of ready) notReady.delete(key);
  return { ready: ready.size, notReady: notReady.size };
}

export function countEndpoints(endpoints: V1Endpoints): { ready: number; notReady: number } {
  let ready = 0;
  let notReady = 0;
  for (const subset of endpoints.subsets ?? []) {
    ready += subset.addresses?.length ?? 0;
    notReady += subset.notReadyAddresses?.length ?? 0;
  }
  return { ready, notReady };
}

export async function readEndpoints(
  apis: KubeApis,
  namespace: string,
  service: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<EndpointFacts> {
  const [slices, legacy] = await Promise.all([
    call(`list endpointslices for service ${service}`, signal, timeoutMs, (o) =>
      apis.discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${service}` }, o),
    ),
    call(`read endpoints ${service}`, signal, timeoutMs, (o) => apis.core.readNamespacedEndpoints({ namespace, name: service }, o)),
  ]);
  const errors: ErrorInfo[] = [];
  if (!slices.ok && slices.status !== 404) errors.push(slices.error);
  if (!legacy.ok && legacy.status !== 404) errors.push(legacy.error);
  if (slices.ok && slices.value.items.length > 0) {
    return { service, ...countSlices(slices.value.items), source: 'EndpointSlice', note: null, errors };
  }
  if (legacy.ok) return { service, ...countEndpoints(legacy.value), source: 'Endpoints', note: null, errors };
  const note =
    errors.length > 0
      ? `endpoints of service ${service} could not be read`
      : `service ${service} has no Endpoints or EndpointSlices (set kubernetes.service if the Service has another name)`;
  return { service, ready: null, notReady: null, source: null, note, errors };
}
