/** coordination.k8s.io/v1 Leases with the API server's optimistic concurrency: a stale resourceVersion is a 409. */
import type { ILease } from 'kubernetes-models/coordination.k8s.io/v1/Lease';
import { VersionedStore } from './versioned.js';
import { leaseObject } from './validate.js';

export type { StoreReply as LeaseReply } from './versioned.js';

export class LeaseStore extends VersionedStore<ILease> {
  constructor() {
    super({
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      resource: 'leases',
      group: 'coordination.k8s.io',
      serve: leaseObject,
      normalize: (lease) => ({ ...lease, spec: lease.spec ?? {} }),
    });
  }
}
