/**
 * Builders for the objects a real cluster would hold for one Deployment, typed with kubernetes-models so a
 * misspelt field fails to compile, and validated against the OpenAPI schema when served.
 */
import { createHash } from 'node:crypto';
import type { IContainerStatus } from 'kubernetes-models/v1/ContainerStatus';
import type { IEndpoints } from 'kubernetes-models/v1/Endpoints';
import type { IEvent } from 'kubernetes-models/v1/Event';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IEndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSlice';

export interface Workload {
  namespace: string;
  deployment: string;
  /** equality-based, e.g. `app=deeptech-api` */
  selector: string;
  container: string;
  image: string;
  now: number;
}

/** metrics.k8s.io has no kubernetes-models type: this mirrors metrics-server's PodMetrics. */
export interface PodMetrics {
  metadata: { name: string; namespace: string; creationTimestamp: string; labels: Record<string, string> };
  timestamp: string;
  window: string;
  containers: { name: string; usage: { cpu: string; memory: string } }[];
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function time(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function labelsOf(selector: string): Record<string, string> {
  return Object.fromEntries(selector.split(',').map((part) => part.split('=').map((s) => s.trim()) as [string, string]));
}

const SUFFIXES = ['x2k4p', 'q9wzr', 'm3n7t', 'b8v6d'];
export const podName = (w: Workload, index: number): string => `${w.deployment}-7d9f8b6c5d-${SUFFIXES[index % SUFFIXES.length]}`;
export const podIp = (index: number): string => `10.244.1.${10 + index}`;
/** stable per name, UUID-shaped like the API server's */
const uid = (name: string): string => {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export interface PodShape {
  phase: 'Pending' | 'Running' | 'Failed';
  ready: boolean;
  container: Omit<IContainerStatus, 'name' | 'image' | 'imageID'> & { image?: string };
  startedAgoMs?: number;
  evicted?: boolean;
}

export function pod(w: Workload, index: number, shape: PodShape): IPod {
  const name = podName(w, index);
  const started = w.now - (shape.startedAgoMs ?? 2 * 3_600_000);
  const { image = w.image, ...status } = shape.container;
  const containerStatus: IContainerStatus = {
    name: w.container,
    image,
    imageID: shape.phase === 'Pending' ? '' : `${image.split(':')[0]}@sha256:${'ab'.repeat(32)}`,
    ...status,
  };
  const ready = shape.ready ? 'True' : 'False';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: w.namespace,
      uid: uid(name),
      labels: { ...labelsOf(w.selector), 'pod-template-hash': '7d9f8b6c5d' },
      creationTimestamp: time(started),
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${w.deployment}-7d9f8b6c5d`, uid: uid(`${w.deployment}-rs`), controller: true },
      ],
    },
    spec: {
      containers: [{ name: w.container, image, resources: { limits: { cpu: '500m', memory: '512Mi' }, requests: { cpu: '100m', memory: '256Mi' } } }],
      nodeName: 'node-a',
    },
    status: {
      phase: shape.phase,
      ...(shape.evicted ? { reason: 'Evicted', message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 88Mi.' } : {}),
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: time(started) },
        { type: 'Ready', status: ready, lastTransitionTime: time(started) },
        { type: 'ContainersReady', status: ready, lastTransitionTime: time(started) },
      ],
      hostIP: '10.0.0.11',
      podIP: podIp(index),
      startTime: time(started),
      qosClass: 'Burstable',
      containerStatuses: shape.evicted ? [] : [containerStatus],
    },
  };
}

export function warning(w: Workload, object: { kind: string; name: string }, reason: string, message: string, count = 1): IEvent {
  const last = w.now - 20_000;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${object.name}.${(reason + message).length.toString(16)}${count}`,
      namespace: w.namespace,
      creationTimestamp: time(last - 600_000),
    },
    involvedObject: { kind: object.kind, name: object.name, namespace: w.namespace, apiVersion: 'v1', fieldPath: `spec.containers{${w.container}}` },
    type: 'Warning',
    reason,
    message,
    count,
    firstTimestamp: time(last - 600_000),
    lastTimestamp: time(last),
    source: { component: 'kubelet', host: 'node-a' },
    reportingComponent: 'kubelet',
    reportingInstance: 'node-a',
  };
}

export function endpoints(w: Workload, service: string, pods: readonly IPod[]): IEndpoints {
  const address = (p: IPod) => ({
    ip: p.status?.podIP ?? '',
    nodeName: 'node-a',
    targetRef: { kind: 'Pod', name: p.metadata?.name ?? '', namespace: w.namespace, uid: p.metadata?.uid ?? '' },
  });
  const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  const notReady = pods.filter((p) => !ready.includes(p) && p.status?.phase !== 'Failed');
  const subset = { ports: [{ name: 'http', port: 8000, protocol: 'TCP' as const }] };
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: service, namespace: w.namespace, labels: labelsOf(w.selector), creationTimestamp: time(w.now - 86_400_000) },
    // The endpoints controller omits `subsets` entirely when no pod backs the Service.
    ...(ready.length + notReady.length > 0
      ? {
          subsets: [
            {
              ...subset,
              ...(ready.length ? { addresses: ready.map(address) } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady.map(address) } : {}),
            },
          ],
        }
      : {}),
  };
}

export function endpointSlice(w: Workload, service: string, pods: readonly IPod[]): IEndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${service}-h7x2q`,
      namespace: w.namespace,
      labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' },
      creationTimestamp: time(w.now - 86_400_000),
    },
    addressType: 'IPv4',
    endpoints: pods
      .filter((p) => p.status?.phase !== 'Failed')
      .map((p) => {
        const ready = Boolean(p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        return {
          addresses: [p.status?.podIP ?? ''],
          conditions: { ready, serving: ready, terminating: false },
          nodeName: 'node-a',
          targetRef: { kind: 'Pod', name: p.metadata?.name ?? '', namespace: w.namespace, uid: p.metadata?.uid ?? '' },
        };
      }),
    ports: [{ name: 'http', port: 8000, protocol: 'TCP' }],
  };
}

export function podMetrics(w: Workload, pod: IPod, cpu: string, memory: string): PodMetrics {
  const name = pod.metadata?.name ?? '';
  return {
    metadata: { name, namespace: w.namespace, creationTimestamp: time(w.now), labels: { ...(pod.metadata?.labels ?? {}) } },
    timestamp: time(w.now - 15_000),
    window: '30s',
    containers: [{ name: w.container, usage: { cpu, memory } }],
  };
}
