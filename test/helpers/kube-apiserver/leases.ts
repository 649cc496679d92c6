/** coordination.k8s.io/v1 Leases with the API server's optimistic concurrency: a stale resourceVersion is a 409. */
import type { ILease } from 'kubernetes-models/coordination.k8s.io/v1/Lease';
import { time } from './objects.js';
import { leaseObject, statusObject } from './validate.js';

export interface LeaseReply {
  status: number;
  body: Record<string, unknown>;
}

const GROUP = 'coordination.k8s.io';

export class LeaseStore {
  private readonly leases = new Map<string, ILease>();
  private version = 1000;
  private conflictsToInject = 0;
  /** how many writes were refused for a stale resourceVersion (injected ones included) */
  conflicts = 0;
  writes = 0;

  /** Makes the next `n` updates fail as if another writer got there first (their stored version moves on). */
  injectConflicts(n: number): void {
    this.conflictsToInject += n;
  }

  peek(namespace: string, name: string): ILease | undefined {
    return this.leases.get(`${namespace}/${name}`);
  }

  get(namespace: string, name: string): LeaseReply {
    const lease = this.peek(namespace, name);
    if (!lease) return notFound(name);
    return { status: 200, body: leaseObject(lease) };
  }

  create(namespace: string, body: ILease): LeaseReply {
    const name = body.metadata?.name ?? '';
    if (!name) return { status: 422, body: statusObject(422, 'Invalid', 'Lease.coordination.k8s.io "" is invalid: metadata.name: Required value') };
    if (this.peek(namespace, name)) {
      return {
        status: 409,
        body: statusObject(409, 'AlreadyExists', `leases.${GROUP} "${name}" already exists`, { name, group: GROUP, kind: 'leases' }),
      };
    }
    return this.store(namespace, name, body, 201, time(Date.now()));
  }

  replace(namespace: string, name: string, body: ILease): LeaseReply {
    const current = this.peek(namespace, name);
    if (!current) return notFound(name);
    if (body.metadata?.name !== name)
      return {
        status: 400,
        body: statusObject(400, 'BadRequest', `the name of the object (${body.metadata?.name}) does not match the name on the URL (${name})`),
      };
    const sent = body.metadata?.resourceVersion;
    if (this.conflictsToInject > 0) {
      this.conflictsToInject--;
      current.metadata = { ...current.metadata, resourceVersion: String(++this.version) };
    }
    if (sent !== undefined && sent !== current.metadata?.resourceVersion) {
      this.conflicts++;
      const message = `Operation cannot be fulfilled on leases.${GROUP} "${name}": the object has been modified; please apply your changes to the latest version and try again`;
      return { status: 409, body: statusObject(409, 'Conflict', message, { name, group: GROUP, kind: 'leases' }) };
    }
    return this.store(namespace, name, body, 200, current.metadata?.creationTimestamp ?? time(Date.now()), current.metadata?.uid);
  }

  private store(namespace: string, name: string, body: ILease, status: 200 | 201, created: string, uid?: string): LeaseReply {
    const lease: ILease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        ...body.metadata,
        name,
        namespace,
        uid: uid ?? `1ea5e000-0000-4000-8000-${String(this.version).padStart(12, '0')}`,
        resourceVersion: String(++this.version),
        creationTimestamp: created,
      },
      spec: body.spec ?? {},
    };
    let served: Record<string, unknown>;
    try {
      served = leaseObject(lease);
    } catch (err) {
      return { status: 422, body: statusObject(422, 'Invalid', `Lease.${GROUP} "${name}" is invalid: ${(err as Error).message}`) };
    }
    this.leases.set(`${namespace}/${name}`, lease);
    this.writes++;
    return { status, body: served };
  }
}

function notFound(name: string): LeaseReply {
  return { status: 404, body: statusObject(404, 'NotFound', `leases.${GROUP} "${name}" not found`, { name, group: GROUP, kind: 'leases' }) };
}
