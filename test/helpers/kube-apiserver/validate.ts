/**
 * Every object the stand-in serves passes through here: validated against the Kubernetes OpenAPI schema (via
 * kubernetes-models) and shaped like the real server's JSON (list items carry no kind/apiVersion).
 */
import { Status } from '@kubernetes-models/apimachinery/apis/meta/v1/Status';
import { Lease, type ILease } from 'kubernetes-models/coordination.k8s.io/v1/Lease';
import { EndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSlice';
import { EndpointSliceList } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSliceList';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Endpoints, type IEndpoints } from 'kubernetes-models/v1/Endpoints';
import { Event, type IEvent } from 'kubernetes-models/v1/Event';
import { EventList } from 'kubernetes-models/v1/EventList';
import { Pod, type IPod } from 'kubernetes-models/v1/Pod';
import { PodList } from 'kubernetes-models/v1/PodList';
import type { IEndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSlice';
import type { PodMetrics } from './objects.js';

type Json = Record<string, unknown>;

function stripTypeMeta<T extends { apiVersion?: string; kind?: string }>(item: T): Omit<T, 'apiVersion' | 'kind'> {
  const { apiVersion: _a, kind: _k, ...rest } = item;
  return rest;
}

function listOf(kind: string, apiVersion: string, items: readonly { apiVersion?: string; kind?: string }[], resourceVersion: string): Json {
  return { kind, apiVersion, metadata: { resourceVersion }, items: items.map(stripTypeMeta) };
}

export function podList(items: readonly IPod[], rv: string): Json {
  items.forEach((p) => new Pod(p).validate());
  new PodList({ metadata: { resourceVersion: rv }, items: [...items] }).validate();
  return listOf('PodList', 'v1', items, rv);
}

export function eventList(items: readonly IEvent[], rv: string): Json {
  items.forEach((e) => new Event(e).validate());
  new EventList({ metadata: { resourceVersion: rv }, items: [...items] }).validate();
  return listOf('EventList', 'v1', items, rv);
}

export function endpointSliceList(items: readonly IEndpointSlice[], rv: string): Json {
  items.forEach((s) => new EndpointSlice(s).validate());
  new EndpointSliceList({ metadata: { resourceVersion: rv }, items: [...items] }).validate();
  return listOf('EndpointSliceList', 'discovery.k8s.io/v1', items, rv);
}

export function endpointsObject(object: IEndpoints): Json {
  const model = new Endpoints(object);
  model.validate();
  return model.toJSON() as Json;
}

export function leaseObject(object: ILease): Json {
  const model = new Lease(object);
  model.validate();
  return model.toJSON() as Json;
}

export function configMapObject(object: IConfigMap): Json {
  const model = new ConfigMap(object);
  model.validate();
  return model.toJSON() as Json;
}

/** metrics.k8s.io is outside kubernetes-models: check the fields clients read by hand. */
export function podMetricsList(items: readonly PodMetrics[]): Json {
  const quantity = /^\d+(\.\d+)?(n|u|m|k|Ki|Mi|Gi|M|G)?$/;
  for (const item of items) {
    const ok =
      item.metadata.name && item.window && item.containers.every((c) => c.name && quantity.test(c.usage.cpu) && quantity.test(c.usage.memory));
    if (!ok) throw new Error(`PodMetrics ${item.metadata.name}: malformed`);
  }
  return { kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1', metadata: {}, items };
}

export type StatusReason =
  'NotFound' | 'Forbidden' | 'Unauthorized' | 'Conflict' | 'AlreadyExists' | 'BadRequest' | 'Invalid' | 'MethodNotAllowed' | 'UnsupportedMediaType';

export function statusObject(code: number, reason: StatusReason, message: string, details?: { name?: string; group?: string; kind?: string }): Json {
  const status = new Status({ status: 'Failure', message, reason, code, ...(details ? { details } : {}) });
  status.validate();
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, ...(status.toJSON() as Json) };
}
