/**
 * v1 ConfigMaps with the API server's optimistic concurrency (a stale resourceVersion is a 409) and its size limit
 * (keys and values together at most 1 MiB, else 422 Invalid).
 */
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { VersionedStore } from './versioned.js';
import { configMapObject } from './validate.js';

export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

function served(object: IConfigMap): Record<string, unknown> {
  const size = Object.entries({ ...object.data, ...object.binaryData }).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > CONFIGMAP_MAX_BYTES) throw new Error(`[]: Too long: may not be more than ${CONFIGMAP_MAX_BYTES} bytes`);
  return configMapObject(object);
}

export class ConfigMapStore extends VersionedStore<IConfigMap> {
  constructor() {
    super({ kind: 'ConfigMap', apiVersion: 'v1', resource: 'configmaps', group: '', serve: served });
  }

  /** What `kubectl apply` of the manifests leaves: the object, empty. */
  seed(namespace: string, name: string): void {
    const reply = this.create(namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    if (reply.status !== 201) throw new Error(`seeding ConfigMap ${namespace}/${name}: ${JSON.stringify(reply.body)}`);
  }
}
