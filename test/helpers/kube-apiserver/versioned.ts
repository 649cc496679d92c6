/**
 * Named objects with the API server's optimistic concurrency, for any kind: every write gets a new
 * resourceVersion; a replace (or a patch that names a resourceVersion) carrying a stale one is a 409 Conflict.
 * `injectConflicts(n)` makes the next n writes lose a race with an invisible writer.
 */
import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import { time } from './objects.js';
import { statusObject } from './validate.js';

export interface StoreReply {
  status: number;
  body: Record<string, unknown>;
}

export interface KindInfo<T> {
  kind: string;
  apiVersion: string;
  /** plural resource name, as RBAC and Status details spell it */
  resource: string;
  /** '' for the core group */
  group: string;
  /** validates and shapes the object as served; throws when it breaks the kind's schema or limits */
  serve(object: T): Record<string, unknown>;
  /** the object as stored from a request body (defaults the server fills in) */
  normalize?(object: T): T;
}

type Versioned = { apiVersion?: string; kind?: string; metadata?: IObjectMeta };

/** RFC 7386 JSON merge patch: null deletes a key, objects merge, everything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

export class VersionedStore<T extends Versioned> {
  private readonly objects = new Map<string, T>();
  private version = 1000;
  private conflictsToInject = 0;
  /** how many writes were refused for a stale resourceVersion (injected ones included) */
  conflicts = 0;
  writes = 0;

  constructor(private readonly info: KindInfo<T>) {}

  /** Makes the next `n` writes fail as if another writer got there first (their stored version moves on). */
  injectConflicts(n: number): void {
    this.conflictsToInject += n;
  }

  peek(namespace: string, name: string): T | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }

  get(namespace: string, name: string): StoreReply {
    const object = this.peek(namespace, name);
    return object ? { status: 200, body: this.info.serve(object) } : this.notFound(name);
  }

  create(namespace: string, body: T): StoreReply {
    const name = body.metadata?.name ?? '';
    if (!name)
      return { status: 422, body: statusObject(422, 'Invalid', `${this.info.kind}${this.dotGroup} "" is invalid: metadata.name: Required value`) };
    if (this.peek(namespace, name))
      return { status: 409, body: statusObject(409, 'AlreadyExists', `${this.qualified} "${name}" already exists`, this.details(name)) };
    return this.store(namespace, name, body, 201, time(Date.now()));
  }

  replace(namespace: string, name: string, body: T): StoreReply {
    const current = this.peek(namespace, name);
    if (!current) return this.notFound(name);
    if (body.metadata?.name !== name)
      return {
        status: 400,
        body: statusObject(400, 'BadRequest', `the name of the object (${body.metadata?.name}) does not match the name on the URL (${name})`),
      };
    return (
      this.guarded(current, body.metadata?.resourceVersion) ??
      this.store(namespace, name, body, 200, current.metadata?.creationTimestamp, current.metadata?.uid)
    );
  }

  /** A JSON merge patch; a resourceVersion inside it is a precondition, as on the real server. */
  patch(namespace: string, name: string, patch: unknown): StoreReply {
    const current = this.peek(namespace, name);
    if (!current) return this.notFound(name);
    if (!patch || typeof patch !== 'object' || Array.isArray(patch))
      return { status: 400, body: statusObject(400, 'BadRequest', 'the stand-in accepts merge patches (a JSON object) only') };
    const sent = (patch as Versioned).metadata?.resourceVersion;
    const merged = mergePatch(current, patch) as T;
    return this.guarded(current, sent) ?? this.store(namespace, name, merged, 200, current.metadata?.creationTimestamp, current.metadata?.uid);
  }

  /** null when a write sending `sent` may go ahead; a 409 when it is stale */
  private guarded(current: T, sent: string | undefined): StoreReply | null {
    if (this.conflictsToInject > 0) {
      this.conflictsToInject--;
      current.metadata = { ...current.metadata, resourceVersion: String(++this.version) };
    }
    if (sent === undefined || sent === current.metadata?.resourceVersion) return null;
    this.conflicts++;
    const name = current.metadata?.name ?? '';
    const message = `Operation cannot be fulfilled on ${this.qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`;
    return { status: 409, body: statusObject(409, 'Conflict', message, this.details(name)) };
  }

  private store(namespace: string, name: string, body: T, status: 200 | 201, created = time(Date.now()), uid?: string): StoreReply {
    const stored = {
      ...(this.info.normalize ? this.info.normalize(body) : body),
      apiVersion: this.info.apiVersion,
      kind: this.info.kind,
      metadata: {
        ...body.metadata,
        name,
        namespace,
        uid: uid ?? `1ea5e000-0000-4000-8000-${String(this.version).padStart(12, '0')}`,
        resourceVersion: String(++this.version),
        creationTimestamp: created,
      },
    } as T;
    let served: Record<string, unknown>;
    try {
      served = this.info.serve(stored);
    } catch (err) {
      return { status: 422, body: statusObject(422, 'Invalid', `${this.info.kind}${this.dotGroup} "${name}" is invalid: ${(err as Error).message}`) };
    }
    this.objects.set(`${namespace}/${name}`, stored);
    this.writes++;
    return { status, body: served };
  }

  private get dotGroup(): string {
    return this.info.group ? `.${this.info.group}` : '';
  }

  private get qualified(): string {
    return `${this.info.resource}${this.dotGroup}`;
  }

  private details(name: string): { name: string; group?: string; kind: string } {
    return { name, ...(this.info.group ? { group: this.info.group } : {}), kind: this.info.resource };
  }

  private notFound(name: string): StoreReply {
    return { status: 404, body: statusObject(404, 'NotFound', `${this.qualified} "${name}" not found`, this.details(name)) };
  }
}
